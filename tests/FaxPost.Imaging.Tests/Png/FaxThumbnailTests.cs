using FaxPost.Imaging.Png;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tests.Tiff;

namespace FaxPost.Imaging.Tests.Png;

public sealed class FaxThumbnailTests
{
    [Theory]
    [InlineData(196, 300, 416)] // A4-ish fine page: 1728 x 2300 at 204 x 196 dpi
    [InlineData(98, 300, 416)] // the same page at standard resolution has half the rows, same shape
    public void Aspect_follows_the_physical_page(double yDpi, int width, int expectedHeight)
    {
        int rows = (int)Math.Round(2300 * yDpi / 196);
        var page = new BilevelImage(1728, rows, 204, yDpi);

        GrayImage thumb = FaxThumbnail.Render(page, width);

        Assert.Equal(width, thumb.Width);
        Assert.InRange(thumb.Height, expectedHeight - 1, expectedHeight + 1);
    }

    [Fact]
    public void Area_averaging_turns_fine_detail_into_grey_and_keeps_solid_areas()
    {
        // Left half solid black, right half a one-pixel checkerboard (50 % black), bottom white.
        var page = new BilevelImage(1728, 1000, 204, 98);
        for (int y = 0; y < 500; y++)
        {
            for (int x = 0; x < 1728; x++)
            {
                page[x, y] = x < 864 || ((x + y) & 1) == 0;
            }
        }

        GrayImage thumb = FaxThumbnail.Render(page, 216); // 8 x 8 page pixels per column pair

        Assert.Equal(0, thumb[10, 5]);
        Assert.InRange(thumb[200, 5], 120, 135);
        Assert.Equal(255, thumb[100, thumb.Height - 3]);
    }

    [Fact]
    public void First_page_of_a_g4_fax_tiff_becomes_a_preview_png()
    {
        using var dir = new TempDir();
        BilevelImage first = TestPages.Create(1728, 1100, seed: 91, 204, 98);
        string a = FaxStrips.MakeFaxTiff(dir, first, "g4", lsbFirst: true, name: "a");
        string b = FaxStrips.MakeFaxTiff(dir, TestPages.Create(1728, 50, seed: 92), "g4", lsbFirst: false, name: "b");
        ExternalTool.Run("tiffcp", a, b, dir.File("fax.tif"));

        byte[] png = FaxThumbnail.RenderPng(Imaging.Tiff.TiffDocument.Read(File.ReadAllBytes(dir.File("fax.tif"))), 300);

        GrayImage decoded = Netpbm.ReadGray(PngEncoderTests.Decode(png, out _));
        Assert.Equal(300, decoded.Width);
        Assert.Equal(398, decoded.Height); // 1100 rows at 98 lpi = 11.22 in high, 1728 px at 204 dpi = 8.47 in wide: 300 x 11.22 / 8.47
        Assert.Equal(FaxThumbnail.Render(first, 300).Pixels, decoded.Pixels);
    }

    [Fact]
    public void Grey_pages_average_the_same_way()
    {
        var page = new GrayImage(400, 400, 100, 100);
        page.Pixels.AsSpan().Fill(255);
        for (int y = 0; y < 200; y++)
        {
            page.Row(y).Fill(0);
        }

        GrayImage thumb = FaxThumbnail.Render(page, 40);

        Assert.Equal(40, thumb.Height);
        Assert.Equal(0, thumb[5, 5]);
        Assert.Equal(255, thumb[5, 30]);
    }

    [Fact]
    public void Thumbnail_png_decodes_with_pngtopnm_to_the_rendered_pixels()
    {
        BilevelImage page = TestPages.Create(1728, 1100, seed: 21, 204, 98);

        byte[] png = FaxThumbnail.RenderPng(page, 300);

        GrayImage expected = FaxThumbnail.Render(page, 300);
        GrayImage decoded = Netpbm.ReadGray(PngEncoderTests.Decode(png, out _));
        Assert.Equal(300, decoded.Width);
        Assert.Equal(expected.Height, decoded.Height);
        Assert.Equal(expected.Pixels, decoded.Pixels);
        Assert.Contains(decoded.Pixels, b => b is > 0 and < 255); // shapes were averaged into grey
    }
}
