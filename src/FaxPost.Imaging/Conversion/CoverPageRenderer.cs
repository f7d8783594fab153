using System.Globalization;
using System.Text;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Conversion;

/// <summary>What a cover page says. Empty fields are left out.</summary>
public sealed record CoverPage
{
    public string? ToName { get; init; }

    public string? ToCompany { get; init; }

    public string? ToNumber { get; init; }

    public string? FromName { get; init; }

    public string? FromNumber { get; init; }

    /// <summary>The sender's fax ID (T.30 TSI).</summary>
    public string? FromFaxId { get; init; }

    public string? Subject { get; init; }

    public string? Note { get; init; }

    /// <summary>Pages including the cover page.</summary>
    public int? PageCount { get; init; }

    public DateTimeOffset? Date { get; init; }
}

/// <summary>Renders a cover page to one fax page via generated PostScript and Ghostscript.</summary>
public sealed class CoverPageRenderer
{
    private const int NoteColumns = 76;
    private const int NoteLines = 30;
    private readonly GhostscriptRunner _gs;

    public CoverPageRenderer(ConverterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _gs = new GhostscriptRunner(settings);
    }

    public async Task<BilevelImage> RenderAsync(CoverPage cover, FaxResolution resolution, PaperSize paper, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cover);
        var job = new GhostscriptJob("cover page", null, Generate(cover, paper), resolution, paper, 1, TimeSpan.FromSeconds(30), false);
        BilevelImage? result = null;
        await foreach (BilevelImage page in _gs.RenderAsync(job, ct).ConfigureAwait(false))
        {
            result = FaxPageFitter.FitRendered(page);
        }

        return result ?? throw ConversionError.Create("cover page", ConversionFailure.Broken);
    }

    internal static byte[] Generate(CoverPage cover, PaperSize paper)
    {
        (int width, int height) = FaxPageFormat.Points(paper);
        var ps = new StringBuilder(8 * 1024);
        ps.Append("%!PS-Adobe-3.0\n");
        PostScriptText.DefineLatin1Font(ps, "Helvetica", "FaxPostSans");
        PostScriptText.DefineLatin1Font(ps, "Helvetica-Bold", "FaxPostSansBold");
        ps.Append("/T { exch findfont exch scalefont setfont moveto show } bind def\n"); // (s) x y /font size T

        double left = 60;
        double y = height - 100;
        Text(ps, "FAX", left, y, "FaxPostSansBold", 40);
        ps.Append(PostScriptText.Number(left)).Append(' ').Append(PostScriptText.Number(y - 16)).Append(" moveto ")
          .Append(PostScriptText.Number(width - left)).Append(' ').Append(PostScriptText.Number(y - 16)).Append(" lineto 2 setlinewidth stroke\n");
        y -= 56;

        void Field(string label, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return;
            }

            Text(ps, label, left, y, "FaxPostSansBold", 13);
            Text(ps, OneLine(value), left + 110, y, "FaxPostSans", 13);
            y -= 22;
        }

        Field("Date:", cover.Date?.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture));
        Field("To:", cover.ToName);
        Field("Company:", cover.ToCompany);
        Field("Fax number:", cover.ToNumber);
        y -= 8;
        Field("From:", cover.FromName);
        Field("Fax number:", cover.FromNumber);
        Field("Fax ID:", cover.FromFaxId);
        y -= 8;
        Field("Pages:", cover.PageCount?.ToString(CultureInfo.InvariantCulture));
        Field("Subject:", cover.Subject);

        if (!string.IsNullOrWhiteSpace(cover.Note))
        {
            y -= 20;
            List<List<string>> lines = PlainTextLayout.Paginate(Encoding.UTF8.GetBytes(cover.Note), NoteColumns, NoteLines);
            foreach (string line in lines.Count > 0 ? lines[0] : [])
            {
                Text(ps, line, left, y, "FaxPostSans", 12);
                y -= 15;
            }
        }

        ps.Append("showpage\n");
        return Encoding.ASCII.GetBytes(ps.ToString());
    }

    private static void Text(StringBuilder ps, string text, double x, double y, string font, double size)
    {
        PostScriptText.AppendString(ps, text);
        ps.Append(' ').Append(PostScriptText.Number(x)).Append(' ').Append(PostScriptText.Number(y))
          .Append(" /").Append(font).Append(' ').Append(PostScriptText.Number(size)).Append(" T\n");
    }

    private static string OneLine(string value)
    {
        string flat = value.ReplaceLineEndings(" ").Trim();
        return flat.Length > 60 ? flat[..60] : flat;
    }
}
