namespace FaxPost.Fax.T38;

/// <summary>Settings for <see cref="UdptlSender"/>; usually from the answered SDP (T.38 Annex D).</summary>
public sealed record UdptlSenderOptions
{
    /// <summary>Redundancy (the default, what most peers offer) or FEC (T.38 §9.1 fec-info); any receiver reads both.</summary>
    public UdptlErrorRecovery ErrorRecovery { get; init; } = UdptlErrorRecovery.Redundancy;

    /// <summary>Secondaries to carry in each datagram (redundancy mode).</summary>
    public int Redundancy { get; init; } = 3;

    /// <summary>FEC: packets per parity entry.</summary>
    public int FecSpan { get; init; } = 3;

    /// <summary>FEC: parity entries per datagram (the interleave).</summary>
    public int FecEntries { get; init; } = 3;

    /// <summary>The far end's T38FaxMaxDatagram: no datagram is longer than this.</summary>
    public int MaxDatagramSize { get; init; } = 400;

    public ushort InitialSequence { get; init; }
}

/// <summary>
/// Frames IFP packets into UDPTL datagrams with N levels of redundancy or with FEC (T.38 §9.1).
/// Keeps copies of the last packets it sent in buffers allocated once; encoding allocates nothing.
/// FEC uses the layout of spandsp's and Asterisk's udptl.c (the one our <see cref="UdptlReceiver"/>
/// repairs from): fec-npackets is the span, and parity entry m of datagram s is the XOR of packets
/// s + m − j·entries, j = 1..span, zero-padded to the longest. Debian's libspandsp has no UDPTL, so
/// no third-party FEC peer checks this here; the tests pin the layout byte for byte instead.
/// </summary>
public sealed class UdptlSender
{
    private readonly UdptlSenderOptions _options;
    private readonly byte[][] _history;
    private readonly int[] _historyLength;
    private readonly byte[] _fec;
    private long _sent;
    private ushort _next;

    public UdptlSender(UdptlSenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Redundancy);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Redundancy, 16);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.FecSpan);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.FecEntries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.FecSpan * options.FecEntries, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDatagramSize, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxDatagramSize, UdptlCodec.MaxLength);
        _options = options;
        var depth = options.ErrorRecovery == UdptlErrorRecovery.Fec ? options.FecSpan * options.FecEntries : options.Redundancy;
        _history = new byte[Math.Max(depth, 1)][];
        for (var i = 0; i < _history.Length; i++)
        {
            _history[i] = new byte[options.MaxDatagramSize];
        }

        _historyLength = new int[_history.Length];
        _fec = new byte[options.MaxDatagramSize];
        _next = options.InitialSequence;
    }

    /// <summary>The sequence number the next datagram will carry.</summary>
    public ushort NextSequence => _next;

    /// <summary>Longest IFP packet a datagram can carry as its primary.</summary>
    public int MaxIfpLength => _options.MaxDatagramSize - 2 - 2 - RecoveryOverhead;

    /// <summary>
    /// Longest IFP packet that still leaves room for full protection: a datagram whose primary and
    /// every packet it protects are this long carries all <see cref="UdptlSenderOptions.Redundancy"/>
    /// secondaries, or all <see cref="UdptlSenderOptions.FecEntries"/> parity entries, within
    /// <see cref="UdptlSenderOptions.MaxDatagramSize"/>. Unpaced senders cut image data to this.
    /// </summary>
    public int MaxProtectedIfpLength
    {
        get
        {
            var copies = 1 + (_options.ErrorRecovery == UdptlErrorRecovery.Fec ? _options.FecEntries : _options.Redundancy);
            // Each copy is a length determinant and the packet; a parity entry is as long as the longest in its group.
            var share = (_options.MaxDatagramSize - 2 - RecoveryOverhead) / copies;
            var length = share <= 0x80 ? share - 1 : Math.Max(0x7F, share - 2);
            return Math.Clamp(length, 1, MaxIfpLength);
        }
    }

    // Choice octet and count (redundancy), or choice, span length, span and count (FEC).
    private int RecoveryOverhead => _options.ErrorRecovery == UdptlErrorRecovery.Fec ? 4 : 2;

    /// <summary>
    /// Frames <paramref name="ifp"/> as the next datagram. Secondaries that would push the datagram
    /// past <see cref="UdptlSenderOptions.MaxDatagramSize"/> are left out (oldest first, since the
    /// receiver counts them back from the sequence number). False if the primary itself does not fit
    /// or <paramref name="destination"/> is too small; then the sequence number is not used up.
    /// </summary>
    public bool TryEncode(ReadOnlySpan<byte> ifp, Span<byte> destination, out int written)
    {
        written = 0;
        var limit = Math.Min(_options.MaxDatagramSize, destination.Length);
        if (ifp.IsEmpty || ifp.Length > MaxIfpLength)
        {
            return false;
        }

        var pos = 2 + UdptlCodec.LengthSize(ifp.Length) + ifp.Length + RecoveryOverhead;
        if (pos > limit)
        {
            return false;
        }

        destination[0] = (byte)(_next >> 8);
        destination[1] = (byte)_next;
        pos = 2 + UdptlCodec.WriteOpenType(destination[2..], ifp);
        if (_options.ErrorRecovery == UdptlErrorRecovery.Redundancy)
        {
            pos = WriteRedundancy(destination, pos, limit);
        }
        else
        {
            pos = WriteFec(destination, pos, limit);
        }

        Remember(ifp);
        written = pos;
        return true;
    }

    private int WriteRedundancy(Span<byte> dest, int pos, int limit)
    {
        dest[pos++] = 0x00;
        var available = (int)Math.Min(_sent, _options.Redundancy);
        var count = 0;
        var size = pos + 1;
        while (count < available)
        {
            var len = _historyLength[Slot(_sent - 1 - count)];
            var next = size + UdptlCodec.LengthSize(len) + len;
            if (next > limit)
            {
                break;
            }

            size = next;
            count++;
        }

        dest[pos++] = (byte)count;
        for (var i = 0; i < count; i++)
        {
            var slot = Slot(_sent - 1 - i);
            pos += UdptlCodec.WriteOpenType(dest[pos..], _history[slot].AsSpan(0, _historyLength[slot]));
        }

        return pos;
    }

    private int WriteFec(Span<byte> dest, int pos, int limit)
    {
        var span = _options.FecSpan;
        var entries = _options.FecEntries;
        if (_sent < span * entries)
        {
            // Wind up as packets become available (as spandsp does): entry m covers seq + m − j·entries, j = 1..span.
            entries = (int)(_sent / span);
            if (_sent < span)
            {
                span = 0;
            }
        }

        while (true)
        {
            var size = pos + 1 + 2 + 1;
            for (var m = 0; m < entries; m++)
            {
                var len = ParityLength(m, span, entries);
                size += UdptlCodec.LengthSize(len) + len;
            }

            if (size <= limit || entries == 0)
            {
                break;
            }

            entries--;
        }

        dest[pos++] = 0x80;
        dest[pos++] = 1;
        dest[pos++] = (byte)span;
        dest[pos++] = (byte)entries;
        for (var m = 0; m < entries; m++)
        {
            var len = ParityLength(m, span, entries);
            var parity = _fec.AsSpan(0, len);
            parity.Clear();
            for (var j = 1; j <= span; j++)
            {
                var slot = Slot(_sent + m - (j * entries));
                var packet = _history[slot].AsSpan(0, _historyLength[slot]);
                for (var k = 0; k < packet.Length; k++)
                {
                    parity[k] ^= packet[k];
                }
            }

            pos += UdptlCodec.WriteOpenType(dest[pos..], parity);
        }

        return pos;
    }

    private int ParityLength(int m, int span, int entries)
    {
        var len = 0;
        for (var j = 1; j <= span; j++)
        {
            len = Math.Max(len, _historyLength[Slot(_sent + m - (j * entries))]);
        }

        return len;
    }

    private void Remember(ReadOnlySpan<byte> ifp)
    {
        var slot = Slot(_sent);
        ifp.CopyTo(_history[slot]);
        _historyLength[slot] = ifp.Length;
        _sent++;
        _next++;
    }

    private int Slot(long index) => (int)(index % _history.Length);
}
