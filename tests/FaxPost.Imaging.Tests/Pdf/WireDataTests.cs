using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Pdf;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tests.Tiff;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Imaging.Tests.Pdf;

/// <summary>
/// Page data as a T.30 receiver gets it from the line (RTC/EOFB at the end, fill bits for the minimum
/// scan-line time, LSB-first order), stored in TIFF and PDF without re-coding and checked with libtiff,
/// poppler and Ghostscript.
/// </summary>
public sealed class WireDataTests
{
    public static TheoryData<string> Codings => ["mh-rtc-fill", "mh-lsb", "mr-k2-rtc", "mr-aligned", "mmr-eofb", "mmr-lsb"];

    [Theory]
    [MemberData(nameof(Codings))]
    public void Wire_coded_pages_store_and_render_unchanged(string name)
    {
        FaxCodingOptions coding = name switch
        {
            "mh-rtc-fill" => new() { Compression = FaxCompression.Mh, Rtc = true, MinBitsPerRow = 200 },
            "mh-lsb" => new() { Compression = FaxCompression.Mh, LsbFirst = true },
            "mr-k2-rtc" => new() { Compression = FaxCompression.Mr, K = 2, Rtc = true, MinBitsPerRow = 96 },
            "mr-aligned" => new() { Compression = FaxCompression.Mr, ByteAlignedEol = true },
            "mmr-eofb" => new() { Compression = FaxCompression.Mmr, Rtc = true },
            _ => new() { Compression = FaxCompression.Mmr, LsbFirst = true },
        };
        using var dir = new TempDir();
        BilevelImage page = TestPages.Create(1728, 400, 81, 204, 98);
        var encoded = new EncodedFaxPage
        {
            Width = page.Width, Height = page.Height, XDpi = 204, YDpi = 98, Coding = coding, Data = FaxPageCodec.Encode(page, coding),
            Quality = new FaxPageQuality(0, 0, false),
        };

        string tif = dir.File("rx.tif");
        using (var writer = new TiffFaxWriter(File.Create(tif)))
        {
            writer.AppendEncodedPage(encoded);
        }

        Assert.Equal("", ExternalTool.Run("tiffinfo", tif).Stderr.Trim());
        TestPages.AssertSamePixels(page, FaxStrips.DecodeWithLibtiff(dir, tif)[0]);
        TiffPage stored = TiffDocument.Read(File.ReadAllBytes(tif)).Pages[0];
        Assert.Equal(encoded.Data.ToArray(), stored.GetStrip(0).ToArray());
        TestPages.AssertSamePixels(page, stored.DecodeBilevel());

        string pdf = dir.File("rx.pdf");
        File.WriteAllBytes(pdf, FaxPdfWriter.FromTiff(File.ReadAllBytes(tif)));
        FaxPdfWriterTests.AssertPdfInfo(pdf, [page]);
        FaxPdfWriterTests.AssertRendersAs(page, FaxPdfWriterTests.RenderPoppler(dir, pdf, 1, page), "pdftoppm");
        FaxPdfWriterTests.AssertRendersAs(page, FaxPdfWriterTests.RenderGhostscript(dir, pdf, 1, page), "gs");
    }
}
