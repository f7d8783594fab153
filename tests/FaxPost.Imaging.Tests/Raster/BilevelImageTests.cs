using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Raster;

public sealed class BilevelImageTests
{
    [Fact]
    public void Pixels_are_packed_msb_first_with_one_for_black()
    {
        var image = new BilevelImage(10, 2);
        image[0, 0] = true;
        image[9, 1] = true;

        Assert.Equal(2, image.Stride);
        Assert.Equal(0x80, image.Row(0)[0]);
        Assert.Equal(0x40, image.Row(1)[1]);
        Assert.True(image[9, 1]);
        Assert.False(image[8, 1]);
    }
}
