using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Conversion;

/// <summary>Brings pages from any source to fax geometry: 1728 pixels wide, the target resolution, paper length.</summary>
internal static class FaxPageFitter
{
    /// <summary>
    /// A page Ghostscript rendered at the fax resolution on the chosen paper: the paper is 1686 (A4) or
    /// 1734 (Letter) pixels wide at 204 dpi, centred on the 1728-pixel scan line by padding or cropping.
    /// </summary>
    public static BilevelImage FitRendered(BilevelImage page) =>
        BilevelScaler.ToWidth(page, FaxPageFormat.Width, WidthAdjustment.CropOrPad);

    /// <summary>
    /// A bilevel page from an image file (TIFF): fax widths (B4, A3) are reduced to A4 as a fax machine
    /// does; other pages keep their physical size when it fits and are scaled down when it does not;
    /// landscape pages are turned; the result is split if longer than the paper (cuts moved up to half
    /// an inch back to a white row).
    /// </summary>
    public static IReadOnlyList<BilevelImage> FitBilevel(BilevelImage page, FaxResolution resolution, PaperSize paper)
    {
        RasterResolution target = resolution.ToRaster();
        double xDpi = page.XDpi is > 10 and < 5000 ? page.XDpi : 204;
        double yDpi = page.YDpi is > 10 and < 5000 ? page.YDpi : xDpi;
        page.XDpi = xDpi;
        page.YDpi = yDpi;

        BilevelImage fax;
        if (FaxGeometry.WidthOf(page.Width, xDpi) is not null)
        {
            // A fax page (also 300/400 dpi ones): same paper width at 204 dpi, then reduce B4/A3 to A4.
            fax = BilevelScaler.ConvertResolution(page, target);
            fax = BilevelScaler.ToWidth(fax, FaxPageFormat.Width, WidthAdjustment.Scale);
        }
        else
        {
            if (BilevelRotation.IsLandscape(page.Width, page.Height, xDpi, yDpi))
            {
                page = BilevelRotation.Rotate90(page);
            }

            // Narrower pages are centred; a Letter-wide page (1734 px) loses its outer 3 px of margin like
            // Ghostscript's Letter output; anything wider than 1% over the scan line is scaled down.
            fax = BilevelScaler.ConvertResolution(page, target);
            fax = BilevelScaler.ToWidth(
                fax,
                FaxPageFormat.Width,
                fax.Width > FaxPageFormat.Width * 101 / 100 ? WidthAdjustment.Scale : WidthAdjustment.CropOrPad);
        }

        return PageSplitter.Split(fax, paper.ToLengthLimit(), lookBackRows: (int)(target.YDpi / 2));
    }

    /// <summary>A grey or colour image: turned if landscape, scaled to fit the page, centred, dithered.</summary>
    public static BilevelImage FitGray(GrayImage image, FaxResolution resolution, PaperSize paper)
    {
        RasterResolution target = resolution.ToRaster();
        if (image.XDpi is not (> 10 and < 5000))
        {
            image.XDpi = 72;
        }

        if (image.YDpi is not (> 10 and < 5000))
        {
            image.YDpi = image.XDpi;
        }

        if (BilevelRotation.IsLandscape(image.Width, image.Height, image.XDpi, image.YDpi))
        {
            image = RotateGray(image);
        }

        GrayImage page = GrayScaler.FitToPage(image, FaxPageFormat.Width, FaxPageFormat.Rows(paper, resolution), target.XDpi, target.YDpi);
        return GrayToBilevel.FloydSteinberg(page);
    }

    /// <summary>90° counter-clockwise, like <see cref="BilevelRotation.Rotate90"/>.</summary>
    internal static GrayImage RotateGray(GrayImage src)
    {
        int w = src.Width;
        int h = src.Height;
        var dst = new GrayImage(Math.Max(1, h), w, src.YDpi, src.XDpi);
        for (int y = 0; y < h; y++)
        {
            ReadOnlySpan<byte> row = src.Row(y);
            for (int x = 0; x < w; x++)
            {
                dst.Pixels[((w - 1 - x) * dst.Width) + y] = row[x];
            }
        }

        return dst;
    }
}
