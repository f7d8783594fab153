using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Raster;

public sealed class BilevelRotationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Four_quarter_turns_are_the_identity_and_two_opposite_cancel(bool clockwise)
    {
        BilevelImage page = RasterTestPages.Random(203, 77, seed: 8, xDpi: 204, yDpi: 98);

        BilevelImage once = BilevelRotation.Rotate90(page, clockwise);
        Assert.Equal(77, once.Width);
        Assert.Equal(203, once.Height);
        Assert.Equal(98, once.XDpi);
        Assert.Equal(204, once.YDpi);
        RasterTestPages.AssertPaddingClear(once);

        BilevelImage back = BilevelRotation.Rotate90(once, !clockwise);
        Assert.Equal(page.Pixels, back.Pixels);

        BilevelImage four = BilevelRotation.Rotate90(BilevelRotation.Rotate90(BilevelRotation.Rotate90(once, clockwise), clockwise), clockwise);
        Assert.Equal(page.Pixels, four.Pixels);
    }

    [Fact]
    public void Counter_clockwise_puts_the_top_left_corner_at_the_bottom_left()
    {
        var page = new BilevelImage(30, 10);
        page[0, 0] = true;
        page[29, 0] = true;

        BilevelImage rotated = BilevelRotation.Rotate90(page);

        Assert.True(rotated[0, 29]);
        Assert.True(rotated[0, 0]);
        Assert.Equal(2, RasterTestPages.CountBlack(rotated));
        Assert.True(BilevelRotation.IsLandscape(30, 10, 204, 196));
    }
}
