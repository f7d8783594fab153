namespace FaxPost.Imaging.Raster;

/// <summary>
/// Adapts a stored fax page to what the far end announced in its DIS (T.30 §5.3.6.2): resolution,
/// scan line width and page length. Used when re-encoding a job for a receiver with fewer capabilities.
/// </summary>
public static class FaxPageAdapter
{
    /// <summary>
    /// Converts the resolution (physical size kept), then the width (reduction by scaling, as T.4 §2.2
    /// machines reduce B4/A3 to A4; a wider receiver gets white padding), then splits pages longer than
    /// <paramref name="length"/>.
    /// </summary>
    public static IReadOnlyList<BilevelImage> Adapt(BilevelImage page, RasterResolution resolution, FaxPageWidth width, PageLengthLimit length)
    {
        ArgumentNullException.ThrowIfNull(page);
        BilevelImage converted = page.XDpi == resolution.XDpi && page.YDpi == resolution.YDpi
            ? page
            : BilevelScaler.ConvertResolution(page, resolution);
        int pixels = FaxGeometry.ScanLinePixels(width, resolution.XDpi);
        if (converted.Width != pixels)
        {
            converted = BilevelScaler.ToWidth(converted, pixels, converted.Width > pixels ? WidthAdjustment.Scale : WidthAdjustment.CropOrPad);
        }

        return PageSplitter.Split(converted, length, lookBackRows: (int)(resolution.YDpi / 4));
    }
}
