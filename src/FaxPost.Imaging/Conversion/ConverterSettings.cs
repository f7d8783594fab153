using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Conversion;

/// <summary>Installation-dependent settings of the converter.</summary>
public sealed record ConverterSettings
{
    /// <summary>The Ghostscript executable, a name looked up in PATH or a full path.</summary>
    public string GhostscriptPath { get; init; } = "gs";

    /// <summary>Where generated intermediate files (the PDF wrapped around a JPEG) are written.</summary>
    public string TempDirectory { get; init; } = System.IO.Path.GetTempPath();

    /// <summary>Largest decoded image (PNG, TIFF) in pixels; a small file may claim a huge raster.</summary>
    public long MaxImagePixels { get; init; } = 200L * 1000 * 1000;
}

/// <summary>Page geometry of the fax resolutions and paper sizes.</summary>
public static class FaxPageFormat
{
    /// <summary>The fax scan line: A4 width at 8 pels/mm (T.4 §2.2).</summary>
    public const int Width = 1728;

    public static RasterResolution ToRaster(this FaxResolution resolution) => resolution switch
    {
        FaxResolution.Standard => RasterResolution.Standard,
        FaxResolution.Fine => RasterResolution.Fine,
        FaxResolution.Superfine => RasterResolution.Superfine,
        _ => throw new ArgumentOutOfRangeException(nameof(resolution)),
    };

    public static PageLengthLimit ToLengthLimit(this PaperSize paper) => paper switch
    {
        PaperSize.A4 => PageLengthLimit.A4,
        PaperSize.Letter => PageLengthLimit.Letter,
        PaperSize.Legal => PageLengthLimit.Legal,
        _ => throw new ArgumentOutOfRangeException(nameof(paper)),
    };

    /// <summary>Paper size in PostScript points (1/72 in).</summary>
    public static (int Width, int Height) Points(PaperSize paper) => paper switch
    {
        PaperSize.A4 => (595, 842),
        PaperSize.Letter => (612, 792),
        PaperSize.Legal => (612, 1008),
        _ => throw new ArgumentOutOfRangeException(nameof(paper)),
    };

    /// <summary>Rows of a full page, rounded as Ghostscript rounds its page size (A4 fine: 2292).</summary>
    public static int Rows(PaperSize paper, FaxResolution resolution) =>
        (int)Math.Round(Points(paper).Height / 72.0 * resolution.ToRaster().YDpi);

    internal static string GhostscriptPaperName(PaperSize paper) => paper switch
    {
        PaperSize.A4 => "a4",
        PaperSize.Letter => "letter",
        PaperSize.Legal => "legal",
        _ => throw new ArgumentOutOfRangeException(nameof(paper)),
    };
}
