using BitMiracle.LibTiff.Classic;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Bench;

/// <summary>BitMiracle.LibTiff.NET (a port of libtiff's CCITT codec) encoding and decoding single-strip pages in memory.</summary>
internal static class LibTiffNet
{
    static LibTiffNet() => Tiff.SetErrorHandler(new QuietHandler());

    public static Compression ToTiff(FaxCompression compression) =>
        compression == FaxCompression.Mmr ? Compression.CCITTFAX4 : Compression.CCITTFAX3;

    /// <summary>Writes pages (one strip each) as a TIFF into a stream.</summary>
    public static void Write(Stream stream, IEnumerable<BilevelImage> pages, FaxCompression? compression)
    {
        using Tiff tiff = Tiff.ClientOpen("bench", "w", stream, new TiffStream())!;
        foreach (BilevelImage page in pages)
        {
            tiff.SetField(TiffTag.IMAGEWIDTH, page.Width);
            tiff.SetField(TiffTag.IMAGELENGTH, page.Height);
            tiff.SetField(TiffTag.BITSPERSAMPLE, 1);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISWHITE);
            tiff.SetField(TiffTag.FILLORDER, FillOrder.MSB2LSB);
            tiff.SetField(TiffTag.ROWSPERSTRIP, page.Height);
            tiff.SetField(TiffTag.XRESOLUTION, 204.0);
            tiff.SetField(TiffTag.YRESOLUTION, 196.0);
            tiff.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.INCH);
            tiff.SetField(TiffTag.COMPRESSION, compression is { } c ? ToTiff(c) : Compression.NONE);
            if (compression == FaxCompression.Mr)
            {
                tiff.SetField(TiffTag.GROUP3OPTIONS, Group3Opt.ENCODING2D);
            }

            tiff.WriteEncodedStrip(0, page.Pixels, page.Pixels.Length);
            tiff.WriteDirectory();
        }
    }

    public static byte[] Encode(BilevelImage page, FaxCompression compression)
    {
        var stream = new MemoryStream();
        Write(stream, [page], compression);
        return stream.ToArray();
    }

    /// <summary>Decodes the single strip of a TIFF made by <see cref="Encode"/> into <paramref name="pixels"/>.</summary>
    public static int Decode(byte[] tiffFile, byte[] pixels)
    {
        using Tiff tiff = Tiff.ClientOpen("bench", "r", new MemoryStream(tiffFile), new TiffStream())!;
        return tiff.ReadEncodedStrip(0, pixels, 0, -1);
    }

    private sealed class QuietHandler : TiffErrorHandler
    {
        public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
        {
        }

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
        }
    }
}
