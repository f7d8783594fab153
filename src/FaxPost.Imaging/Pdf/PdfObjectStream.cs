using System.Globalization;
using System.Text;

namespace FaxPost.Imaging.Pdf;

/// <summary>
/// Writes numbered indirect objects to a stream, remembering where each starts, and closes the file
/// with the cross-reference table and trailer (ISO 32000-1 §7.5.4, §7.5.5).
/// </summary>
internal sealed class PdfObjectStream
{
    private readonly Stream _output;
    private readonly SortedDictionary<int, long> _offsets = [];
    private long _position;

    public PdfObjectStream(Stream output) => _output = output;

    public void Raw(string text) => Bytes(Encoding.Latin1.GetBytes(text));

    public void Object(int number, string body)
    {
        Begin(number);
        Raw($"{number} 0 obj\n{body}\nendobj\n");
    }

    /// <summary>A stream object; <paramref name="dictionary"/> holds the entries besides /Length.</summary>
    public void Stream(int number, string dictionary, ReadOnlySpan<byte> data)
    {
        Begin(number);
        Raw(string.Create(CultureInfo.InvariantCulture, $"{number} 0 obj\n<< {dictionary} /Length {data.Length} >>\nstream\n"));
        Bytes(data);
        Raw("\nendstream\nendobj\n");
    }

    public void Finish(int rootObject, int infoObject)
    {
        long xref = _position;
        int size = _offsets.Count == 0 ? 1 : _offsets.Keys.Max() + 1;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"xref\n0 {size}\n");
        // Each entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, CR LF... here "space LF" (§7.5.4).
        sb.Append("0000000000 65535 f \n");
        for (int i = 1; i < size; i++)
        {
            if (_offsets.TryGetValue(i, out long offset))
            {
                sb.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
            }
            else
            {
                sb.Append("0000000000 65535 f \n");
            }
        }

        sb.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {size} /Root {rootObject} 0 R /Info {infoObject} 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        Raw(sb.ToString());
        _output.Flush();
    }

    private void Begin(int number)
    {
        if (!_offsets.TryAdd(number, _position))
        {
            throw new InvalidOperationException($"PDF object {number} written twice.");
        }
    }

    private void Bytes(ReadOnlySpan<byte> data)
    {
        _output.Write(data);
        _position += data.Length;
    }
}
