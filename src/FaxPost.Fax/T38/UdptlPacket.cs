namespace FaxPost.Fax.T38;

/// <summary>How a UDPTL datagram protects against loss (T.38 §9.1 <c>error-recovery</c>).</summary>
public enum UdptlErrorRecovery : byte
{
    /// <summary>Copies of earlier IFP packets (secondaries), newest first.</summary>
    Redundancy = 0,
    /// <summary>XOR parity over interleaved groups of earlier IFP packets.</summary>
    Fec = 1,
}

/// <summary>Why a UDPTL datagram could not be parsed or accepted.</summary>
public enum UdptlError : byte
{
    None = 0,
    /// <summary>The datagram ends inside the sequence number, a length or a packet.</summary>
    Truncated,
    /// <summary>An open type or octet string has length zero, which no IFP packet has.</summary>
    EmptyPacket,
    /// <summary>A fragmented (≥ 16K) PER length determinant.</summary>
    FragmentedLength,
    /// <summary>The error-recovery choice octet has bits beyond the choice bit set.</summary>
    BadErrorRecovery,
    /// <summary>The FEC span is not a one- or two-octet integer of at least 1, or the group is impossibly large.</summary>
    BadFecParameters,
    /// <summary>Octets left over after the error-recovery part.</summary>
    TrailingBytes,
    /// <summary>A packet is longer than the receiver is configured to hold.</summary>
    PacketTooLarge,
}

/// <summary>
/// A parsed UDPTL datagram (T.38 §9.1, aligned PER): sequence number, primary IFP packet as an open
/// type, and either redundant secondaries or FEC parity. A view over the input; nothing is copied.
/// </summary>
public readonly ref struct UdptlPacket
{
    private readonly ReadOnlySpan<byte> _source;
    private readonly int _recoveryOffset;

    internal UdptlPacket(ReadOnlySpan<byte> source, ushort sequence, ReadOnlySpan<byte> primary, UdptlErrorRecovery recovery, int fecSpan, int count, int recoveryOffset)
    {
        _source = source;
        Sequence = sequence;
        Primary = primary;
        ErrorRecovery = recovery;
        FecSpan = fecSpan;
        EntryCount = count;
        _recoveryOffset = recoveryOffset;
    }

    public ushort Sequence { get; }

    /// <summary>The primary IFP packet (for <see cref="Sequence"/>).</summary>
    public ReadOnlySpan<byte> Primary { get; }

    public UdptlErrorRecovery ErrorRecovery { get; }

    /// <summary>Number of secondaries (redundancy) or FEC parity entries.</summary>
    public int EntryCount { get; }

    /// <summary>FEC: how many packets each parity entry covers (0 for redundancy).</summary>
    public int FecSpan { get; }

    /// <summary>Secondaries (redundancy) or parity entries (FEC) in wire order: for redundancy, entry i is the packet of sequence − 1 − i.</summary>
    public EntryEnumerator Entries => new(_source, _recoveryOffset, EntryCount);

    public ref struct EntryEnumerator
    {
        private readonly ReadOnlySpan<byte> _source;
        private int _pos;
        private int _remaining;
        private ReadOnlySpan<byte> _current;

        internal EntryEnumerator(ReadOnlySpan<byte> source, int pos, int count)
        {
            _source = source;
            _pos = pos;
            _remaining = count;
        }

        public readonly ReadOnlySpan<byte> Current => _current;

        public readonly EntryEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            _remaining--;
            UdptlCodec.TryReadLength(_source, ref _pos, out var len);
            _current = _source.Slice(_pos, len);
            _pos += len;
            return true;
        }
    }
}
