using System.Text;

namespace FaxPost.Cli.Client;

/// <summary>A plain text table: a header row and left-aligned columns as wide as their widest cell.</summary>
internal sealed class Table(params string[] header)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string?[] cells) => _rows.Add(cells.Select(c => Clean(c ?? "")).ToArray());

    public int Count => _rows.Count;

    public override string ToString()
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        var sb = new StringBuilder();
        Line(sb, header, widths);
        foreach (var row in _rows)
        {
            Line(sb, row, widths);
        }

        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string[] cells, int[] widths)
    {
        for (int i = 0; i < widths.Length; i++)
        {
            string cell = i < cells.Length ? cells[i] : "";
            sb.Append(i == widths.Length - 1 ? cell : cell.PadRight(widths[i] + 2));
        }

        sb.Append('\n');
    }

    // One line per row: control characters from the server (a sender id, a reason) must not break the table.
    private static string Clean(string s) => new(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
