using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Raster;

public sealed class BilevelScalerTests
{
    [Fact]
    public void Fine_to_standard_ors_each_pair_of_rows()
    {
        BilevelImage fine = RasterTestPages.Random(1728, 200, seed: 1);
        BilevelImage standard = BilevelScaler.ConvertResolution(fine, RasterResolution.Standard);

        Assert.Equal(1728, standard.Width);
        Assert.Equal(100, standard.Height);
        Assert.Equal(98, standard.YDpi);
        for (int y = 0; y < 100; y++)
        {
            for (int x = 0; x < 1728; x++)
            {
                Assert.Equal(fine[x, 2 * y] || fine[x, (2 * y) + 1], standard[x, y]);
            }
        }
    }

    [Fact]
    public void Standard_to_fine_repeats_each_row_and_back_is_identity()
    {
        BilevelImage standard = RasterTestPages.Random(1728, 50, seed: 2, xDpi: 204, yDpi: 98);
        BilevelImage fine = BilevelScaler.ConvertResolution(standard, RasterResolution.Fine);

        Assert.Equal(100, fine.Height);
        for (int y = 0; y < 100; y++)
        {
            Assert.True(fine.Row(y).SequenceEqual(standard.Row(y / 2)));
        }

        Assert.Equal(standard.Pixels, BilevelScaler.ConvertResolution(fine, RasterResolution.Standard).Pixels);
    }

    [Theory]
    [InlineData(98, 391, 1146, 4572)]
    [InlineData(196, 391, 2292, 4572)]
    [InlineData(391, 196, 4572, 2292)]
    [InlineData(196, 300, 2292, 3508)]
    public void Row_count_follows_the_resolution_ratio(double fromDpi, double toDpi, int fromRows, int expectedRows)
    {
        var page = new BilevelImage(1728, fromRows, 204, fromDpi);
        BilevelImage converted = BilevelScaler.ConvertResolution(page, new RasterResolution(toDpi == 300 ? 300 : 204, toDpi));
        Assert.Equal(expectedRows, converted.Height);
    }

    [Theory]
    [InlineData(300, 2592)]
    [InlineData(400, 3456)]
    public void A4_scan_line_maps_to_the_inch_based_A4_width(double dpi, int width)
    {
        var page = new BilevelImage(1728, 10, 204, 196);
        page[0, 0] = true;
        page[1727, 9] = true;

        BilevelImage converted = BilevelScaler.ConvertResolution(page, new RasterResolution(dpi, dpi));

        Assert.Equal(width, converted.Width);
        Assert.True(converted[0, 0]);
        Assert.True(converted[width - 1, converted.Height - 1]);
        Assert.Equal(2432, FaxGeometry.ScanLinePixels(FaxPageWidth.A3, 204));
        Assert.Equal(FaxPageWidth.B4, FaxGeometry.WidthOf(3072, 300));
    }

    [Fact]
    public void B4_to_A4_by_cropping_keeps_the_centre_columns()
    {
        BilevelImage b4 = RasterTestPages.Random(2048, 20, seed: 3);
        BilevelImage a4 = BilevelScaler.ToWidth(b4, 1728, WidthAdjustment.CropOrPad);

        Assert.Equal(1728, a4.Width);
        Assert.Equal(20, a4.Height);
        for (int y = 0; y < 20; y++)
        {
            for (int x = 0; x < 1728; x++)
            {
                Assert.Equal(b4[x + 160, y], a4[x, y]);
            }
        }
    }

    [Fact]
    public void A4_to_A3_by_padding_centres_the_line_and_pads_white()
    {
        BilevelImage a4 = RasterTestPages.Random(1728, 7, seed: 4);
        BilevelImage a3 = BilevelScaler.ToWidth(a4, 2432, WidthAdjustment.CropOrPad);

        Assert.Equal(RasterTestPages.CountBlack(a4), RasterTestPages.CountBlack(a3));
        for (int y = 0; y < 7; y++)
        {
            for (int x = 0; x < 1728; x++)
            {
                Assert.Equal(a4[x, y], a3[x + 352, y]);
            }
        }
    }

    [Fact]
    public void Cropping_at_an_odd_offset_shifts_bits_across_bytes()
    {
        BilevelImage src = RasterTestPages.Random(1687, 9, seed: 5);
        BilevelImage padded = BilevelScaler.ToWidth(src, 1728, WidthAdjustment.CropOrPad); // offset 20
        BilevelImage back = BilevelScaler.ToWidth(padded, 1687, WidthAdjustment.CropOrPad);

        Assert.Equal(src.Pixels, back.Pixels);
        Assert.True(padded[20 + 3, 0] == src[3, 0]);
        RasterTestPages.AssertPaddingClear(back);
    }

    [Fact]
    public void B4_to_A4_by_scaling_keeps_aspect_and_any_black_in_a_group()
    {
        var b4 = new BilevelImage(2048, 2048, 204, 196);
        for (int y = 0; y < 2048; y++)
        {
            b4[1000, y] = true; // one-pixel vertical line
        }

        b4[2047, 2047] = true;
        BilevelImage a4 = BilevelScaler.ToWidth(b4, 1728, WidthAdjustment.Scale);

        Assert.Equal(1728, a4.Width);
        Assert.Equal(1728, a4.Height); // 2048 * 1728 / 2048
        int column = 1000 * 1728 / 2048; // 843
        for (int y = 0; y < a4.Height; y++)
        {
            Assert.True(a4[column, y] || a4[column + 1, y]);
        }

        Assert.True(a4[1727, 1727]);
        Assert.Equal(a4.Height, RasterTestPages.CountBlack(a4) - 1);
        RasterTestPages.AssertPaddingClear(a4);
    }
}
