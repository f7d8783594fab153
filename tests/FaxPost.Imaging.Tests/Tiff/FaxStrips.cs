using System.Globalization;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Imaging.Tests.Tiff;

/// <summary>Fax-coded pages made by libtiff (tiffcp), as independent input for the writer and the PDF tests.</summary>
internal static class FaxStrips
{
    /// <summary>tiffcp compression argument for each coding the tests use.</summary>
    public static readonly string[] Codings = ["g3", "g3:2d", "g3:fill", "g3:2d:fill", "g4"];

    /// <summary>The page coded by libtiff as one strip, lifted out with its coding.</summary>
    public static EncodedFaxPage Encode(BilevelImage page, string tiffcpCoding, bool lsbFirst = false)
    {
        using var dir = new TempDir();
        string tif = MakeFaxTiff(dir, page, tiffcpCoding, lsbFirst);
        TiffPage p = TiffDocument.Read(File.ReadAllBytes(tif)).Pages[0];
        Assert.Equal(1, p.StripCount);
        FaxCodingOptions coding = p.GetFaxCoding();
        return new EncodedFaxPage
        {
            Width = page.Width, Height = page.Height, XDpi = page.XDpi, YDpi = page.YDpi, Coding = coding, Data = p.GetStrip(0).ToArray(),
        };
    }

    /// <summary>A WhiteIsZero (fax convention) TIFF of <paramref name="page"/> coded by tiffcp.</summary>
    public static string MakeFaxTiff(TempDir dir, BilevelImage page, string tiffcpCoding, bool lsbFirst, int rowsPerStrip = 0, string name = "fax")
    {
        string pbm = dir.File(name + ".pbm"), raw = dir.File(name + ".raw.tif"), tif = dir.File(name + ".tif");
        File.WriteAllBytes(pbm, Netpbm.WritePbm(page));
        File.WriteAllBytes(raw, ExternalTool.Run("pnmtotiff", "-miniswhite",
            "-xresolution", page.XDpi.ToString(CultureInfo.InvariantCulture), "-yresolution", page.YDpi.ToString(CultureInfo.InvariantCulture), pbm).Stdout);
        var args = new List<string> { "-c", tiffcpCoding, "-r", (rowsPerStrip > 0 ? rowsPerStrip : page.Height).ToString(CultureInfo.InvariantCulture) };
        if (lsbFirst)
        {
            args.AddRange(["-f", "lsb2msb"]);
        }

        args.AddRange([raw, tif]);
        ExternalTool.Run("tiffcp", args);
        return tif;
    }

    /// <summary>Decodes a fax TIFF with libtiff (tiffcp -c none) and reads the uncompressed result with our reader.</summary>
    public static List<BilevelImage> DecodeWithLibtiff(TempDir dir, string tif)
    {
        string plain = dir.File(Path.GetFileNameWithoutExtension(tif) + ".none.tif");
        ExternalTool.Run("tiffcp", "-c", "none", tif, plain);
        return TiffDocument.Read(File.ReadAllBytes(plain)).Pages.Select(p => p.DecodeBilevel()).ToList();
    }
}
