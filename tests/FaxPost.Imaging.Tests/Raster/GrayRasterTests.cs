using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Raster;

public sealed class GrayRasterTests
{
    [Fact]
    public void Threshold_marks_pixels_darker_than_the_level()
    {
        var gray = new GrayImage(10, 1);
        for (int x = 0; x < 10; x++)
        {
            gray[x, 0] = (byte)(x * 28); // 0, 28, ..., 252
        }

        BilevelImage bw = GrayToBilevel.Threshold(gray, 128);

        for (int x = 0; x < 10; x++)
        {
            Assert.Equal(x * 28 < 128, bw[x, 0]);
        }
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(255, 0.0)]
    [InlineData(128, 0.5)]
    [InlineData(64, 0.75)]
    [InlineData(230, 0.1)]
    public void Floyd_Steinberg_keeps_the_mean_grey_level(byte level, double blackFraction)
    {
        var gray = new GrayImage(200, 200);
        gray.Pixels.AsSpan().Fill(level);

        BilevelImage bw = GrayToBilevel.FloydSteinberg(gray);

        double fraction = RasterTestPages.CountBlack(bw) / 40000.0;
        Assert.InRange(fraction, blackFraction - 0.01, blackFraction + 0.01);
        RasterTestPages.AssertPaddingClear(bw);
    }

    [Fact]
    public void Halving_averages_two_by_two_blocks_exactly()
    {
        var gray = new GrayImage(4, 2);
        byte[] values = [0, 100, 200, 255, 50, 150, 250, 255];
        values.CopyTo(gray.Pixels, 0);

        GrayImage half = GrayScaler.Resize(gray, 2, 1);

        Assert.Equal(75, half[0, 0]); // (0 + 100 + 50 + 150) / 4
        Assert.Equal(240, half[1, 0]); // (200 + 255 + 250 + 255) / 4
    }

    [Fact]
    public void Flat_areas_stay_flat_at_awkward_ratios()
    {
        var gray = new GrayImage(333, 171);
        gray.Pixels.AsSpan().Fill(255);

        GrayImage up = GrayScaler.Resize(gray, 1000, 997);
        GrayImage down = GrayScaler.Resize(gray, 97, 13);

        Assert.DoesNotContain(up.Pixels, p => p != 255);
        Assert.DoesNotContain(down.Pixels, p => p != 255);
    }

    [Fact]
    public void Fit_to_page_keeps_aspect_and_centres()
    {
        // A 200 x 100 pixel black image at 72 dpi (landscape strip) onto an A4 fine page.
        var gray = new GrayImage(200, 100, 72, 72);
        GrayImage page = GrayScaler.FitToPage(gray, 1728, 2292, 204, 196);

        Assert.Equal(1728, page.Width);
        Assert.Equal(2292, page.Height);

        // Width limits: 1728 px wide, 1728/204 in x 0.5 = 4.235 in tall = 830 rows at 196 dpi, centred.
        int top = (2292 - 830) / 2;
        Assert.Equal(255, page[864, top - 1]);
        Assert.Equal(0, page[864, top]);
        Assert.Equal(0, page[864, top + 829]);
        Assert.Equal(255, page[864, top + 830]);
        Assert.Equal(0, page[0, 1146]);
        Assert.Equal(0, page[1727, 1146]);
    }
}
