using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Raster;

public sealed class GrayImageTests
{
    [Fact]
    public void Pixels_are_one_byte_each_row_major()
    {
        var image = new GrayImage(3, 2, 300, 300);
        image[2, 1] = 17;

        Assert.Equal(6, image.Pixels.Length);
        Assert.Equal(17, image.Pixels[5]);
        Assert.Equal(17, image.Row(1)[2]);
        Assert.Equal(300, image.XDpi);
    }
}
