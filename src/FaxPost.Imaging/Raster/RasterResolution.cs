namespace FaxPost.Imaging.Raster;

/// <summary>
/// A raster resolution in dots per inch. The fax resolutions are nominally metric
/// (T.4 §2.2: 8 pels/mm by 3.85, 7.7 or 15.4 lines/mm) and are written in their usual inch
/// approximations; T.30 also knows the inch-based 300x300 and 400x400.
/// </summary>
public readonly record struct RasterResolution(double XDpi, double YDpi)
{
    public static RasterResolution Standard => new(204, 98);

    public static RasterResolution Fine => new(204, 196);

    public static RasterResolution Superfine => new(204, 391);

    public static RasterResolution Dpi300 => new(300, 300);

    public static RasterResolution Dpi400 => new(400, 400);

    public static RasterResolution Of(BilevelImage image) => new(image.XDpi, image.YDpi);
}

/// <summary>The scan line widths T.4/T.30 negotiate.</summary>
public enum FaxPageWidth
{
    A4 = 0,
    B4 = 1,
    A3 = 2,
}

/// <summary>Page length limits a receiver may announce (T.30 DIS bits 19–20) plus the paper sizes users pick.</summary>
public enum PageLengthLimit
{
    A4 = 0,
    Letter = 1,
    Legal = 2,
    Unlimited = 3,
}

public static class FaxGeometry
{
    /// <summary>
    /// Pixels in a scan line (T.4 §2.2 and T.30 Table 2): A4 1728/2592/3456, B4 2048/3072/4096,
    /// A3 2432/3648/4864 at 204 (8 pels/mm), 300 and 400 dpi.
    /// </summary>
    public static int ScanLinePixels(FaxPageWidth width, double xDpi)
    {
        int column = xDpi switch
        {
            < 250 => 0,
            < 350 => 1,
            _ => 2,
        };
        ReadOnlySpan<int> a4 = [1728, 2592, 3456];
        ReadOnlySpan<int> b4 = [2048, 3072, 4096];
        ReadOnlySpan<int> a3 = [2432, 3648, 4864];
        return width switch
        {
            FaxPageWidth.A4 => a4[column],
            FaxPageWidth.B4 => b4[column],
            FaxPageWidth.A3 => a3[column],
            _ => throw new ArgumentOutOfRangeException(nameof(width)),
        };
    }

    /// <summary>The fax width a scan line of <paramref name="pixels"/> belongs to, if it is one of the standard ones.</summary>
    public static FaxPageWidth? WidthOf(int pixels, double xDpi)
    {
        foreach (FaxPageWidth w in (ReadOnlySpan<FaxPageWidth>)[FaxPageWidth.A4, FaxPageWidth.B4, FaxPageWidth.A3])
        {
            if (ScanLinePixels(w, xDpi) == pixels)
            {
                return w;
            }
        }

        return null;
    }

    /// <summary>Length of the paper in millimetres, or null for unlimited.</summary>
    public static double? LengthMillimetres(PageLengthLimit limit) => limit switch
    {
        PageLengthLimit.A4 => 297,
        PageLengthLimit.Letter => 279.4,
        PageLengthLimit.Legal => 355.6,
        PageLengthLimit.Unlimited => null,
        _ => throw new ArgumentOutOfRangeException(nameof(limit)),
    };

    /// <summary>
    /// Most rows a page may have at <paramref name="yDpi"/>: the paper length rounded up plus one row,
    /// so that a renderer's own rounding of an exactly A4 page never spills a row onto a new page.
    /// </summary>
    public static int MaxRows(PageLengthLimit limit, double yDpi)
    {
        double? mm = LengthMillimetres(limit);
        return mm is null ? int.MaxValue : (int)Math.Ceiling((mm.Value * yDpi / 25.4) - 1e-6) + 1;
    }
}
