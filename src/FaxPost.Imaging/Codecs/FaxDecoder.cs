namespace FaxPost.Imaging.Codecs;

/// <summary>
/// Incremental page decoder: push coded bytes in any chunks (a code may be split between pushes),
/// completed rows go to an <see cref="IFaxRowSink"/>. Input that does not yet make a whole row is
/// kept until the next push; a row is decoded only when all of it is present, so nothing is
/// half-applied. Call <see cref="Finish"/> at the end of the data. Allocates nothing per row.
/// </summary>
public abstract class FaxDecoder
{
    private readonly int[] _elementsA;
    private readonly int[] _elementsB;
    private readonly byte[] _row;
    private byte[] _held = [];
    private int _heldLength;
    private int _heldBit;
    private int _rows;
    private int _badRows;
    private int _badRun;
    private int _longestBadRun;

    private protected FaxDecoder(int width, FaxCodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(width);
        Width = width;
        Options = options;
        _elementsA = new int[ChangingElements.Capacity(width)];
        _elementsB = new int[ChangingElements.Capacity(width)];
        _row = new byte[(width + 7) >> 3];
        Reference = _elementsA;
        Coding = _elementsB;
        ChangingElements.AddSentinels(Reference, 0, width);
    }

    public int Width { get; }

    public FaxCodingOptions Options { get; }

    public FaxDecodeStatus Status { get; private set; }

    /// <summary>Why decoding failed, when <see cref="Status"/> is <see cref="FaxDecodeStatus.Failed"/>.</summary>
    public string? Error { get; private set; }

    public FaxDecodeStatistics Statistics => new(_rows, _badRows, _longestBadRun);

    /// <summary>The reference row's changing elements (with sentinels).</summary>
    private protected int[] Reference { get; private set; }

    /// <summary>The row being decoded.</summary>
    private protected int[] Coding { get; private set; }

    private protected int CodingCount { get; set; }

    /// <summary>Creates the decoder for <see cref="FaxCodingOptions.Compression"/>.</summary>
    public static FaxDecoder Create(int width, FaxCodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Compression == FaxCompression.Mmr ? new T6Decoder(width, options) : new T4Decoder(width, options);
    }

    /// <summary>Makes the decoder ready for a new page of the same width and options, keeping its buffers.</summary>
    public void Reset()
    {
        Status = FaxDecodeStatus.NeedMoreData;
        Error = null;
        _heldLength = 0;
        _heldBit = 0;
        _rows = 0;
        _badRows = 0;
        _badRun = 0;
        _longestBadRun = 0;
        CodingCount = 0;
        Array.Clear(_row);
        ChangingElements.AddSentinels(Reference, 0, Width);
        ResetPage();
    }

    /// <summary>Decodes what it can of <paramref name="data"/>; returns the status afterwards.</summary>
    public FaxDecodeStatus Push(ReadOnlySpan<byte> data, IFaxRowSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (Status != FaxDecodeStatus.NeedMoreData || data.IsEmpty)
        {
            return Status;
        }

        if (_heldLength == 0 && !Options.LsbFirst)
        {
            // Fast path: decode straight from the caller's buffer, keep only the unfinished tail.
            long committed = Decode(data, 0, final: false, sink);
            Hold(data, committed);
            return Status;
        }

        EnsureHeldCapacity(_heldLength + data.Length);
        Span<byte> target = _held.AsSpan(_heldLength, data.Length);
        if (Options.LsbFirst)
        {
            BitOrder.ReverseCopy(data, target);
        }
        else
        {
            data.CopyTo(target);
        }

        _heldLength += data.Length;
        long used = Decode(_held.AsSpan(0, _heldLength), _heldBit, final: false, sink);
        int usedBytes = (int)(used >> 3);
        _held.AsSpan(usedBytes, _heldLength - usedBytes).CopyTo(_held);
        _heldLength -= usedBytes;
        _heldBit = (int)(used & 7);
        return Status;
    }

    /// <summary>Ends the data: a page without RTC/EOFB ends here. Returns the final status.</summary>
    public FaxDecodeStatus Finish(IFaxRowSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (Status == FaxDecodeStatus.NeedMoreData)
        {
            Decode(_held.AsSpan(0, _heldLength), _heldBit, final: true, sink);
            if (Status == FaxDecodeStatus.NeedMoreData)
            {
                Status = FaxDecodeStatus.PageComplete;
            }
        }

        _heldLength = 0;
        _heldBit = 0;
        return Status;
    }

    /// <summary>
    /// Decodes from <paramref name="startBit"/>; returns the bit position up to which input is
    /// used for good. With <paramref name="final"/> the data ends here and the status must leave
    /// <see cref="FaxDecodeStatus.NeedMoreData"/>.
    /// </summary>
    /// <summary>Clears the scheme's own per-page state.</summary>
    private protected abstract void ResetPage();

    private protected abstract long Decode(ReadOnlySpan<byte> data, long startBit, bool final, IFaxRowSink sink);

    /// <summary>Renders <see cref="Coding"/> as the next row, delivers it, and makes it the reference.</summary>
    private protected bool EmitDecodedRow(IFaxRowSink sink)
    {
        if (!CheckRowLimit())
        {
            return false;
        }

        int[] coding = Coding;
        ChangingElements.AddSentinels(coding, CodingCount, Width);
        ChangingElements.Render(coding, CodingCount, Width, _row);
        Coding = Reference;
        Reference = coding;
        _rows++;
        _badRun = 0;
        sink.WriteRow(_row);
        return true;
    }

    /// <summary>T.4 error concealment: a corrupt row becomes a copy of the previous row (white for the first).</summary>
    private protected bool EmitBadRow(IFaxRowSink sink)
    {
        if (!CheckRowLimit())
        {
            return false;
        }

        _rows++;
        _badRows++;
        _badRun++;
        _longestBadRun = Math.Max(_longestBadRun, _badRun);
        sink.WriteRow(_row);
        return true;
    }

    private protected void Complete() => Status = FaxDecodeStatus.PageComplete;

    private protected void Fail(string error)
    {
        Status = FaxDecodeStatus.Failed;
        Error = $"{error} (after {_rows} rows)";
    }

    private bool CheckRowLimit()
    {
        if (_rows < Options.MaxRows)
        {
            return true;
        }

        Fail($"page longer than the limit of {Options.MaxRows} rows");
        return false;
    }

    private void Hold(ReadOnlySpan<byte> data, long committed)
    {
        int usedBytes = (int)(committed >> 3);
        ReadOnlySpan<byte> rest = data.Slice(usedBytes);
        EnsureHeldCapacity(rest.Length);
        rest.CopyTo(_held);
        _heldLength = rest.Length;
        _heldBit = (int)(committed & 7);
    }

    private void EnsureHeldCapacity(int needed)
    {
        if (_held.Length < needed)
        {
            Array.Resize(ref _held, Math.Max(needed, Math.Max(256, _held.Length * 2)));
        }
    }
}
