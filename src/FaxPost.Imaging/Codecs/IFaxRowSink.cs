namespace FaxPost.Imaging.Codecs;

/// <summary>Receives decoded rows, packed MSB first, 1 = black, (width + 7) / 8 bytes each.</summary>
public interface IFaxRowSink
{
    /// <summary>Called once per row, in order. The span is only valid during the call.</summary>
    void WriteRow(ReadOnlySpan<byte> row);
}
