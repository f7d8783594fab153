namespace FaxPost.Fax.T38;

/// <summary>Settings for <see cref="UdptlReceiver"/>.</summary>
public sealed record UdptlReceiverOptions
{
    /// <summary>Longest IFP packet accepted (our T38FaxMaxDatagram is a safe value).</summary>
    public int MaxIfpSize { get; init; } = 1500;

    /// <summary>How many newer packets may arrive before a missing one is given up as lost.</summary>
    public int ReorderWindow { get; init; } = 4;

    /// <summary>A sequence number further than this from the expected one is a restart, not loss.</summary>
    public int MaxSequenceJump { get; init; } = 2000;

    /// <summary>T.38 version of the IFP packets, used to cut FEC-repaired packets to their true length.</summary>
    public int T38Version { get; init; }
}

/// <summary>What the receiver hands out, in sequence order.</summary>
public enum UdptlEventKind : byte
{
    /// <summary>An IFP packet.</summary>
    Packet,
    /// <summary><see cref="UdptlEvent.Count"/> packets from <see cref="UdptlEvent.Sequence"/> on are lost for good.</summary>
    Lost,
    /// <summary>The sender's numbering jumped; what follows starts a new run.</summary>
    SequenceRestart,
}

/// <summary>Where a delivered packet came from.</summary>
public enum UdptlPacketSource : byte
{
    Primary,
    Redundancy,
    Fec,
}

public readonly record struct UdptlEvent(UdptlEventKind Kind, ushort Sequence, int Count, UdptlPacketSource Source, int Offset, int Length);

/// <summary>Counters a line can report.</summary>
public readonly record struct UdptlReceiverStatistics(long Datagrams, long Malformed, long Duplicates, long Late, long FromRedundancy, long FromFec, long Lost, long Restarts);

/// <summary>
/// Turns UDPTL datagrams into IFP packets in sequence order (T.38 §9.1): drops duplicates and late
/// copies, waits a small window for reordered packets, fills gaps from secondaries or FEC parity,
/// follows the wrap from 65535 to 0 and reports what could not be recovered. Pure and allocation-free
/// per datagram: after each <see cref="Receive"/> (or <see cref="Flush"/>), read <see cref="Events"/>;
/// payloads stay valid until the next call.
/// </summary>
public sealed class UdptlReceiver
{
    private const int Capacity = 64;
    private readonly UdptlReceiverOptions _options;
    private readonly byte[][] _slots = new byte[Capacity][];
    private readonly int[] _slotLength = new int[Capacity];
    private readonly long[] _slotSeq = new long[Capacity];
    private readonly UdptlPacketSource[] _slotSource = new UdptlPacketSource[Capacity];
    private readonly UdptlEvent[] _events = new UdptlEvent[(3 * Capacity) + 4];
    private readonly byte[] _arena;
    private readonly byte[] _repair;
    private int _eventCount;
    private int _arenaUsed;
    private bool _started;
    private long _expected;
    private long _highest;
    private long _datagrams, _malformed, _duplicates, _late, _fromRedundancy, _fromFec, _lost, _restarts;

    public UdptlReceiver(UdptlReceiverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxIfpSize, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxIfpSize, UdptlCodec.MaxLength);
        ArgumentOutOfRangeException.ThrowIfNegative(options.ReorderWindow);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.ReorderWindow, Capacity / 4);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSequenceJump, Capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxSequenceJump, 30000);
        IfpCodec.CheckVersion(options.T38Version);
        _options = options;
        for (var i = 0; i < Capacity; i++)
        {
            _slots[i] = new byte[options.MaxIfpSize];
            _slotSeq[i] = -1;
        }

        _arena = new byte[(2 * Capacity + 1) * options.MaxIfpSize];
        _repair = new byte[options.MaxIfpSize];
    }

    /// <summary>What the last <see cref="Receive"/> or <see cref="Flush"/> produced, in order.</summary>
    public ReadOnlySpan<UdptlEvent> Events => _events.AsSpan(0, _eventCount);

    /// <summary>The IFP packet of a <see cref="UdptlEventKind.Packet"/> event from the last call.</summary>
    public ReadOnlySpan<byte> Payload(in UdptlEvent e) => _arena.AsSpan(e.Offset, e.Length);

    /// <summary>The sequence number of the next packet to be delivered.</summary>
    public ushort ExpectedSequence => (ushort)_expected;

    public UdptlReceiverStatistics Statistics => new(_datagrams, _malformed, _duplicates, _late, _fromRedundancy, _fromFec, _lost, _restarts);

    /// <summary>Takes one datagram. A malformed one changes nothing and returns the reason.</summary>
    public UdptlError Receive(ReadOnlySpan<byte> datagram)
    {
        _eventCount = 0;
        _arenaUsed = 0;
        if (!UdptlCodec.TryDecode(datagram, out var packet, out var error))
        {
            _malformed++;
            return error;
        }

        if (!FitsSlots(packet))
        {
            _malformed++;
            return UdptlError.PacketTooLarge;
        }

        _datagrams++;
        var redundancy = packet.ErrorRecovery == UdptlErrorRecovery.Redundancy;
        if (!_started)
        {
            Start(packet.Sequence, redundancy ? Math.Min(packet.EntryCount, Capacity / 2) : 0);
        }

        var seq = Extend(packet.Sequence);
        var delta = seq - _expected;
        if (delta < -_options.MaxSequenceJump || delta > _options.MaxSequenceJump)
        {
            // T.38 §9.1 says nothing about jumps; like spandsp, treat a wild one as a new run.
            Flush(clearEvents: false);
            _restarts++;
            AddEvent(new UdptlEvent(UdptlEventKind.SequenceRestart, packet.Sequence, 0, UdptlPacketSource.Primary, 0, 0));
            Start(packet.Sequence, redundancy ? Math.Min(packet.EntryCount, Capacity / 2) : 0);
            seq = Extend(packet.Sequence);
        }
        else if (delta < 0)
        {
            // Behind what was already handed out (or given up): a repeat, or too late to use.
            if (Has(seq))
            {
                _duplicates++;
            }
            else
            {
                _late++;
            }

            return UdptlError.None;
        }

        if (Has(seq))
        {
            _duplicates++;
            return UdptlError.None;
        }

        // Make room: everything more than a ring behind the new packet is delivered or lost now.
        while (seq - _expected >= Capacity)
        {
            Advance();
        }

        Store(seq, packet.Primary, UdptlPacketSource.Primary);
        _highest = Math.Max(_highest, seq);
        if (redundancy)
        {
            var back = seq - 1;
            foreach (var secondary in packet.Entries)
            {
                if (back < _expected)
                {
                    break;
                }

                if (!Has(back))
                {
                    Store(back, secondary, UdptlPacketSource.Redundancy);
                    _fromRedundancy++;
                }

                back--;
            }
        }
        else
        {
            RepairFromFec(seq, packet);
        }

        Deliver();
        return UdptlError.None;
    }

    /// <summary>Gives up waiting: delivers what is held and reports every gap up to the newest packet seen.</summary>
    public void Flush() => Flush(clearEvents: true);

    private void Flush(bool clearEvents)
    {
        if (clearEvents)
        {
            _eventCount = 0;
            _arenaUsed = 0;
        }

        while (_started && _expected <= _highest)
        {
            Advance();
        }
    }

    private bool FitsSlots(in UdptlPacket packet)
    {
        if (packet.Primary.Length > _options.MaxIfpSize)
        {
            return false;
        }

        foreach (var entry in packet.Entries)
        {
            if (entry.Length > _options.MaxIfpSize)
            {
                return false;
            }
        }

        return true;
    }

    private void Start(ushort sequence, int secondaries)
    {
        _started = true;
        // Extended numbers start well above zero so that looking back never goes negative.
        _expected = (1L << 32) + sequence - secondaries;
        _highest = _expected - 1;
        Array.Fill(_slotSeq, -1);
    }

    private long Extend(ushort sequence) => _expected + (short)(ushort)(sequence - (ushort)_expected);

    private bool Has(long seq) => _slotSeq[seq % Capacity] == seq;

    private void Store(long seq, ReadOnlySpan<byte> ifp, UdptlPacketSource source)
    {
        var slot = (int)(seq % Capacity);
        ifp.CopyTo(_slots[slot]);
        _slotLength[slot] = ifp.Length;
        _slotSeq[slot] = seq;
        _slotSource[slot] = source;
    }

    /// <summary>
    /// FEC as spandsp sends it: parity entry m of datagram s is the XOR of packets s + m − j·entries,
    /// j = 1..span, zero-padded to the longest. One missing packet in a group can be rebuilt.
    /// </summary>
    private void RepairFromFec(long seq, in UdptlPacket packet)
    {
        var span = packet.FecSpan;
        var entries = packet.EntryCount;
        if (span == 0 || entries == 0 || (long)span * entries >= Capacity - _options.ReorderWindow - 1)
        {
            return;
        }

        var m = 0;
        foreach (var parity in packet.Entries)
        {
            long missing = -1;
            var missingCount = 0;
            for (var j = 1; j <= span; j++)
            {
                var c = seq + m - ((long)j * entries);
                if (!Has(c))
                {
                    missing = c;
                    missingCount++;
                }
            }

            if (missingCount == 1 && missing >= _expected)
            {
                var rebuilt = _repair.AsSpan(0, parity.Length);
                parity.CopyTo(rebuilt);
                for (var j = 1; j <= span; j++)
                {
                    var c = seq + m - ((long)j * entries);
                    if (c == missing)
                    {
                        continue;
                    }

                    var slot = (int)(c % Capacity);
                    var other = _slots[slot].AsSpan(0, Math.Min(_slotLength[slot], rebuilt.Length));
                    for (var k = 0; k < other.Length; k++)
                    {
                        rebuilt[k] ^= other[k];
                    }
                }

                // The parity is as long as the longest packet; the IFP itself says where it ends.
                if (IfpCodec.TryDecodePrefix(rebuilt, _options.T38Version, out var ifp, out _))
                {
                    Store(missing, rebuilt[..ifp.Length], UdptlPacketSource.Fec);
                    _fromFec++;
                }
            }

            m++;
        }
    }

    private void Deliver()
    {
        while (_expected <= _highest && (Has(_expected) || _highest - _expected >= _options.ReorderWindow))
        {
            Advance();
        }
    }

    /// <summary>Hands out the packet at <c>_expected</c>, or records it lost, and moves on.</summary>
    private void Advance()
    {
        var seq = _expected++;
        if (Has(seq))
        {
            var slot = (int)(seq % Capacity);
            var len = _slotLength[slot];
            if (_arenaUsed + len > _arena.Length || _eventCount == _events.Length)
            {
                // Cannot happen with the sizes above; never hand out a torn packet.
                throw new InvalidOperationException("UDPTL receiver output overflow");
            }

            _slots[slot].AsSpan(0, len).CopyTo(_arena.AsSpan(_arenaUsed));
            AddEvent(new UdptlEvent(UdptlEventKind.Packet, (ushort)seq, 1, _slotSource[slot], _arenaUsed, len));
            _arenaUsed += len;
            return;
        }

        _lost++;
        if (_eventCount > 0 && _events[_eventCount - 1] is { Kind: UdptlEventKind.Lost } last && (ushort)(last.Sequence + last.Count) == (ushort)seq)
        {
            _events[_eventCount - 1] = last with { Count = last.Count + 1 };
            return;
        }

        AddEvent(new UdptlEvent(UdptlEventKind.Lost, (ushort)seq, 1, UdptlPacketSource.Primary, 0, 0));
    }

    private void AddEvent(in UdptlEvent e) => _events[_eventCount++] = e;
}
