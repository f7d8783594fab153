using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tiff;

public sealed partial class TiffPage
{
    private void DecodeFaxStrips(BilevelImage image)
    {
        _ = image;
        TiffDirectory.Fail($"page {Index + 1}: CCITT compression {(int)Compression} cannot be decoded until the T.4/T.6 codecs are in");
    }
}
