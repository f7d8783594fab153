using FaxPost.Imaging.Conversion;

namespace FaxPost.Imaging.Tests.Conversion;

public sealed class DetectTests
{
    [Theory]
    [InlineData("%PDF-1.7\n", "a.pdf", DocumentKind.Pdf)]
    [InlineData("%PDF-1.4\n", "no-extension", DocumentKind.Pdf)]
    [InlineData("junk before %PDF-1.4\n", "a.pdf", DocumentKind.Pdf)]
    [InlineData("%!PS-Adobe-3.0\n", "a.ps", DocumentKind.PostScript)]
    [InlineData("\u0004%!PS\n", "a.prn", DocumentKind.PostScript)]
    [InlineData("II*\0", "a.tif", DocumentKind.Tiff)]
    [InlineData("MM\0*", "scan", DocumentKind.Tiff)]
    [InlineData("Dear Sir,\r\n\tplease\f", "letter.txt", DocumentKind.Text)]
    [InlineData("Dear Sir,\n", "letter", DocumentKind.Text)]
    [InlineData("Dear Sir,\n", "letter.pdf", null)]
    [InlineData("PK\u0003\u0004\u0014\0", "letter.pdf", null)]
    [InlineData("PK\u0003\u0004\u0014\0", "letter.txt", null)]
    [InlineData("GIF89a\u0001\0", "a.gif", null)]
    [InlineData("", "a.txt", null)]
    [InlineData("Notes on %PDF-1.4 headers\n", "notes.txt", DocumentKind.Text)]
    [InlineData("\u0000\u0001junk%PDF-1.4\n", "mail-part", DocumentKind.Pdf)]
    [InlineData("ab%PDF-1.4\n", "scan.pdf", DocumentKind.Pdf)]
    [InlineData("\u00ff\u00feH\0i\0\n\0", "unicode.txt", DocumentKind.Text)]
    [InlineData("\u00ff\u00feH\0\u0001\0", "unicode.txt", null)]
    public void Kind_comes_from_content(string head, string name, DocumentKind? expected)
    {
        byte[] bytes = System.Text.Encoding.Latin1.GetBytes(head);
        Assert.Equal(expected, DocumentConverter.Detect(bytes, name));
    }

    [Fact]
    public void Png_and_jpeg_magic_win_over_the_name()
    {
        Assert.Equal(DocumentKind.Png, DocumentConverter.Detect([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], "photo.jpg"));
        Assert.Equal(DocumentKind.Jpeg, DocumentConverter.Detect([0xFF, 0xD8, 0xFF, 0xE0], "scan.pdf"));
        Assert.Equal(DocumentKind.Text, DocumentConverter.Detect("caf\u00e9 \u00fcber\n"u8, "notes"));
    }
}
