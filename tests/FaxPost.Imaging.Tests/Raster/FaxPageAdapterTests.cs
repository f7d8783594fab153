using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Raster;

public sealed class FaxPageAdapterTests
{
    [Fact]
    public void Superfine_B4_page_for_a_standard_A4_receiver()
    {
        BilevelImage page = RasterTestPages.Random(2048, 4000, seed: 9, density: 60, xDpi: 204, yDpi: 391);

        IReadOnlyList<BilevelImage> pages = FaxPageAdapter.Adapt(page, RasterResolution.Standard, FaxPageWidth.A4, PageLengthLimit.Unlimited);

        BilevelImage adapted = Assert.Single(pages);
        Assert.Equal(1728, adapted.Width);
        Assert.Equal((int)Math.Round(Math.Round(4000 * 98 / 391.0) * 1728 / 2048), adapted.Height); // 1003 rows, then x 0.84375
        Assert.Equal(98, adapted.YDpi);
    }

    [Fact]
    public void A4_fine_page_for_an_A3_receiver_is_padded_and_unchanged_otherwise()
    {
        BilevelImage page = RasterTestPages.Random(1728, 100, seed: 10);

        BilevelImage adapted = Assert.Single(FaxPageAdapter.Adapt(page, RasterResolution.Fine, FaxPageWidth.A3, PageLengthLimit.A4));

        Assert.Equal((2432, 100), (adapted.Width, adapted.Height));
        Assert.Equal(RasterTestPages.CountBlack(page), RasterTestPages.CountBlack(adapted));
        Assert.Same(page, Assert.Single(FaxPageAdapter.Adapt(page, RasterResolution.Fine, FaxPageWidth.A4, PageLengthLimit.A4)));
    }

    [Fact]
    public void Legal_page_for_an_A4_limited_receiver_is_split()
    {
        var legal = new BilevelImage(1728, (int)(14 * 196), 204, 196);

        Assert.Equal(2, FaxPageAdapter.Adapt(legal, RasterResolution.Fine, FaxPageWidth.A4, PageLengthLimit.A4).Count);
        Assert.Single(FaxPageAdapter.Adapt(legal, RasterResolution.Fine, FaxPageWidth.A4, PageLengthLimit.Legal));
    }
}
