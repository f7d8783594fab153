using FaxPost.Fax.T30;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Telephony.T38;

/// <summary>Maps T.30 modes (DCS) to the imaging layer's sizes and codings, and back.</summary>
internal static class T30Geometry
{
    /// <summary>T.4 §2.2 and T.30 Table 2: metric resolutions are 8 or 16 pels/mm by 3.85/7.7/15.4 lines/mm.</summary>
    public static RasterResolution Resolution(T30Resolution r) => r switch
    {
        T30Resolution.Standard => RasterResolution.Standard,
        T30Resolution.Fine => RasterResolution.Fine,
        T30Resolution.Superfine => RasterResolution.Superfine,
        T30Resolution.Ultrafine => new RasterResolution(408, 391),
        T30Resolution.Inch200x100 => new RasterResolution(200, 100),
        T30Resolution.Inch200x200 => new RasterResolution(200, 200),
        T30Resolution.Inch200x400 => new RasterResolution(200, 400),
        T30Resolution.Inch300x300 => RasterResolution.Dpi300,
        _ => RasterResolution.Dpi400,
    };

    /// <summary>The metric fax resolution nearest to a page's: what we ask to send at.</summary>
    public static T30Resolution Nearest(double yDpi) => yDpi switch
    {
        < 140 => T30Resolution.Standard,
        < 290 => T30Resolution.Fine,
        _ => T30Resolution.Superfine,
    };

    public static FaxPageWidth Width(T30PageWidth w) => w switch
    {
        T30PageWidth.B4 => FaxPageWidth.B4,
        T30PageWidth.A3 => FaxPageWidth.A3,
        _ => FaxPageWidth.A4,
    };

    public static T30PageWidth WidthOf(int pixels, double xDpi) => FaxGeometry.WidthOf(pixels, xDpi) switch
    {
        FaxPageWidth.B4 => T30PageWidth.B4,
        FaxPageWidth.A3 => T30PageWidth.A3,
        // Odd widths are scaled to A4 by the page adapter.
        _ => T30PageWidth.A4,
    };

    public static PageLengthLimit Length(T30PageLength l) => l switch
    {
        T30PageLength.A4 => PageLengthLimit.A4,
        // B4 is 364 mm; legal (356 mm) is the nearest limit at or under it.
        T30PageLength.B4 => PageLengthLimit.Legal,
        _ => PageLengthLimit.Unlimited,
    };

    public static int ScanLinePixels(DcsFrame mode) =>
        FaxGeometry.ScanLinePixels(Width(mode.Width), Resolution(mode.Resolution).XDpi);

    /// <summary>
    /// How a page goes out in <paramref name="mode"/> (T.4 §4): first bit in the MSB, RTC (or EOFB for
    /// T.6) at the end, K = 2 at standard and 4 at higher resolutions (T.4 §4.2.1), and without ECM
    /// each row padded to the minimum scan line time the DCS set (T.4 §4.1.3).
    /// </summary>
    public static FaxCodingOptions SendCoding(DcsFrame mode)
    {
        var compression = Compression(mode.Compression);
        var minBits = mode.Ecm ? 0 : mode.MinScanLineTimeMs * mode.Rate.BitRate / 1000;
        return new FaxCodingOptions
        {
            Compression = compression,
            K = mode.Resolution is T30Resolution.Standard or T30Resolution.Inch200x100 ? 2 : 4,
            Rtc = true,
            MinBitsPerRow = compression == FaxCompression.Mmr ? 0 : minBits,
        };
    }

    /// <summary>How received page data is decoded (as the session hands it over: first bit in the MSB).</summary>
    public static FaxCodingOptions ReceiveCoding(DcsFrame mode) =>
        new() { Compression = Compression(mode.Compression), MaxRows = 16384 };

    public static FaxCompression Compression(T30Compression c) => c switch
    {
        T30Compression.MMR => FaxCompression.Mmr,
        T30Compression.MR => FaxCompression.Mr,
        _ => FaxCompression.Mh,
    };
}
