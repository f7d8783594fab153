using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Raster;

public sealed class PageSplitterTests
{
    [Fact]
    public void A_600_mm_page_splits_into_three_A4_pages_in_order()
    {
        int rows = (int)Math.Round(600 / 25.4 * 196); // 4630
        BilevelImage tall = RasterTestPages.Random(1728, rows, seed: 7, density: 50);

        IReadOnlyList<BilevelImage> pages = PageSplitter.Split(tall, PageLengthLimit.A4);

        int max = FaxGeometry.MaxRows(PageLengthLimit.A4, 196);
        Assert.Equal(2293, max); // ceil(297 mm at 196 lpi) + 1
        Assert.Equal(3, pages.Count);
        Assert.Equal([max, max, rows - (2 * max)], pages.Select(p => p.Height));
        Assert.Equal(tall.Pixels, pages.SelectMany(p => p.Pixels).ToArray());
    }

    [Fact]
    public void An_A4_page_rendered_by_Ghostscript_is_not_split()
    {
        var page = new BilevelImage(1728, 2292, 204, 196); // 842 pt at 196 dpi
        Assert.Single(PageSplitter.Split(page, PageLengthLimit.A4));
        Assert.Single(PageSplitter.Split(new BilevelImage(1728, 100_000), PageLengthLimit.Unlimited));
    }

    [Theory]
    [InlineData(PageLengthLimit.Letter, 98, 1079)]
    [InlineData(PageLengthLimit.Legal, 391, 5475)]
    public void Limits_follow_paper_length(PageLengthLimit limit, double dpi, int expected)
    {
        Assert.Equal(expected, FaxGeometry.MaxRows(limit, dpi));
    }

    [Fact]
    public void Cut_moves_back_to_a_white_row_when_asked()
    {
        var tall = new BilevelImage(64, 3000, 204, 196);
        for (int y = 0; y < 3000; y++)
        {
            if (y % 40 < 30)
            {
                tall[5, y] = true; // "text lines" 30 rows high, 10 white rows between
            }
        }

        IReadOnlyList<BilevelImage> pages = PageSplitter.Split(tall, PageLengthLimit.A4, lookBackRows: 50);

        Assert.Equal(2, pages.Count);
        Assert.True(pages[0].Height <= 2293);
        Assert.Equal(2279, pages[0].Height); // last white row at or before 2293 is 2279 (2279 % 40 == 39)
        Assert.Equal(3000, pages.Sum(p => p.Height));
    }
}
