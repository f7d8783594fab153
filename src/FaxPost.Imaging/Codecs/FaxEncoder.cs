using System.Buffers;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Codecs;

/// <summary>
/// Codes a page row by row into an <see cref="IBufferWriter{T}"/>. One instance per page; it keeps
/// the reference row and the bits not yet forming a whole byte between rows. Call
/// <see cref="Finish"/> after the last row. Allocates nothing per row.
/// </summary>
public abstract class FaxEncoder
{
    private readonly byte[] _scratch;
    private int[] _reference;
    private int[] _coding;
    private ulong _pending;
    private int _pendingCount;
    private bool _finished;

    private protected FaxEncoder(int width, FaxCodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(width);
        Width = width;
        Options = options;
        _scratch = new byte[ChangingElements.ScratchBytes(width)];
        _reference = new int[ChangingElements.Capacity(width)];
        _coding = new int[ChangingElements.Capacity(width)];
        ChangingElements.AddSentinels(_reference, 0, width);
    }

    public int Width { get; }

    public FaxCodingOptions Options { get; }

    public int RowsEncoded { get; private set; }

    /// <summary>Creates the encoder for <see cref="FaxCodingOptions.Compression"/>.</summary>
    public static FaxEncoder Create(int width, FaxCodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Compression == FaxCompression.Mmr ? new T6Encoder(width, options) : new T4Encoder(width, options);
    }

    /// <summary>Makes the encoder ready for a new page of the same width and options, keeping its buffers.</summary>
    public void Reset()
    {
        _pending = 0;
        _pendingCount = 0;
        _finished = false;
        RowsEncoded = 0;
        ChangingElements.AddSentinels(_reference, 0, Width);
    }

    /// <summary>Codes one packed row (MSB first, 1 = black, at least (width + 7) / 8 bytes).</summary>
    public void EncodeRow(ReadOnlySpan<byte> row, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_finished)
        {
            throw new FaxCodecException("The page is already finished.");
        }

        if (row.Length < (Width + 7) >> 3)
        {
            throw new FaxCodecException($"A row of width {Width} needs {(Width + 7) >> 3} bytes, got {row.Length}.");
        }

        int count = ChangingElements.Find(row, Width, _scratch, _coding);
        var writer = new BitWriter(output.GetSpan(RowEncoding.MaxRowBytes(Width, Options.MinBitsPerRow)), _pending, _pendingCount, Options.LsbFirst);
        WriteRow(ref writer, _reference, _coding, count, RowsEncoded);
        _pending = writer.Pending;
        _pendingCount = writer.PendingCount;
        output.Advance(writer.Written);
        (_reference, _coding) = (_coding, _reference);
        RowsEncoded++;
    }

    /// <summary>Codes every row of a page.</summary>
    public void EncodePage(BilevelImage page, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.Width != Width)
        {
            throw new FaxCodecException($"Page width {page.Width} differs from the encoder width {Width}.");
        }

        for (int y = 0; y < page.Height; y++)
        {
            EncodeRow(page.Row(y), output);
        }
    }

    /// <summary>Writes the end of page (RTC or EOFB when asked) and the last partial byte.</summary>
    public void Finish(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_finished)
        {
            return;
        }

        _finished = true;
        var writer = new BitWriter(output.GetSpan(64), _pending, _pendingCount, Options.LsbFirst);
        WriteEnd(ref writer);
        writer.FlushAll();
        _pending = 0;
        _pendingCount = 0;
        output.Advance(writer.Written);
    }

    private protected abstract void WriteRow(ref BitWriter writer, ReadOnlySpan<int> reference, ReadOnlySpan<int> coding, int count, int rowIndex);

    private protected abstract void WriteEnd(ref BitWriter writer);
}
