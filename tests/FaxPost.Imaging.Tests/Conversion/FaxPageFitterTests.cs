using FaxPost.Imaging.Conversion;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tests.Raster;

namespace FaxPost.Imaging.Tests.Conversion;

public sealed class FaxPageFitterTests
{
    [Fact]
    public void B4_standard_fax_page_becomes_A4_fine()
    {
        BilevelImage b4 = RasterTestPages.Random(2048, 1000, seed: 1, density: 40, xDpi: 204, yDpi: 98);

        BilevelImage page = Assert.Single(FaxPageFitter.FitBilevel(b4, FaxResolution.Fine, PaperSize.A4));

        // Rows doubled (98 -> 196 lpi), then the whole page scaled by 1728/2048 like a fax machine reduces B4.
        Assert.Equal((1728, 1688, 196.0), (page.Width, page.Height, page.YDpi));
    }

    [Fact]
    public void A4_fax_page_at_the_target_resolution_is_unchanged()
    {
        BilevelImage fax = RasterTestPages.Random(1728, 2200, seed: 2, density: 30);

        BilevelImage page = Assert.Single(FaxPageFitter.FitBilevel(fax, FaxResolution.Fine, PaperSize.A4));

        Assert.Equal(fax.Pixels, page.Pixels);
    }

    [Fact]
    public void Letter_scan_at_300_dpi_keeps_its_size_and_is_trimmed_to_the_scan_line()
    {
        var scan = new BilevelImage(2550, 3300, 300, 300); // 8.5 x 11 in
        scan[1275, 1650] = true;

        BilevelImage page = Assert.Single(FaxPageFitter.FitBilevel(scan, FaxResolution.Fine, PaperSize.Letter));

        Assert.Equal((1728, 2156), (page.Width, page.Height)); // 1734 px at 204 dpi scaled to 1728; 11 in at 196 lpi
        Assert.Equal(1, RasterTestPages.CountBlack(page));
    }

    [Fact]
    public void Landscape_image_is_turned_and_small_pages_are_centred()
    {
        var wide = new BilevelImage(1100, 850, 100, 100); // 11 x 8.5 in landscape
        for (int y = 0; y < 10; y++)
        {
            for (int x = 0; x < 10; x++)
            {
                wide[x, y] = true; // top-left corner goes to bottom-left
            }
        }

        BilevelImage page = Assert.Single(FaxPageFitter.FitBilevel(wide, FaxResolution.Standard, PaperSize.Letter));

        Assert.Equal(1728, page.Width);
        Assert.Equal(1078, page.Height); // 11 in at 98 lpi

        // Turned, the block is columns 0..9, rows 1090..1099. At 204 dpi it covers columns 0..20 of 1734, 18 after
        // cropping 3 px each side; rows 1100 -> 1078 put it on rows 1069..1077.
        Assert.True(page[0, 1077]);
        Assert.True(page[17, 1069]);
        Assert.False(page[18, 1069]);
        Assert.False(page[0, 1068]);
        Assert.Equal(18 * 9, RasterTestPages.CountBlack(page));
    }

    [Fact]
    public void Long_scan_is_split_into_pages()
    {
        var roll = new BilevelImage(1728, 5000, 204, 196);

        IReadOnlyList<BilevelImage> pages = FaxPageFitter.FitBilevel(roll, FaxResolution.Fine, PaperSize.A4);

        Assert.Equal(3, pages.Count);
        Assert.Equal(5000, pages.Sum(p => p.Height));
    }

    [Fact]
    public void Grey_image_is_fitted_to_a_full_page()
    {
        var photo = new GrayImage(640, 480, 0, 0); // no resolution: taken as 72 dpi square, landscape
        photo.Pixels.AsSpan().Fill(0);

        BilevelImage page = FaxPageFitter.FitGray(photo, FaxResolution.Superfine, PaperSize.A4);

        Assert.Equal((1728, 4573), (page.Width, page.Height));

        // Turned to 480 x 640 (portrait 3:4), width-limited: 8.47 in wide, 11.29 in = 4415 rows tall.
        int blackRows = Enumerable.Range(0, page.Height).Count(y => page[864, y]);
        Assert.InRange(blackRows, 4405, 4425);
    }
}
