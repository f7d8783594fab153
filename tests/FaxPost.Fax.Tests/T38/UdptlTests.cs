using FaxPost.Fax.T38;

namespace FaxPost.Fax.Tests.T38;

public sealed class UdptlTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "", StringComparison.Ordinal));

    private static List<byte[]> Packets(int count, int seed = 7, int version = 0)
    {
        var rng = new Random(seed);
        var list = new List<byte[]>();
        while (list.Count < count)
        {
            var p = IfpModel.Random(rng, version).Encode(version);
            if (p.Length < 300)
            {
                list.Add(p);
            }
        }

        return list;
    }

    private static List<byte[]> Datagrams(UdptlSender sender, IEnumerable<byte[]> packets)
    {
        var buf = new byte[2000];
        var list = new List<byte[]>();
        foreach (var p in packets)
        {
            Assert.True(sender.TryEncode(p, buf, out var n));
            list.Add(buf[..n]);
        }

        return list;
    }

    /// <summary>Feeds datagrams, collecting delivered packets and loss reports; flushes at the end.</summary>
    internal static (List<byte[]> Packets, List<UdptlEvent> Events) Run(UdptlReceiver rx, IEnumerable<byte[]> datagrams)
    {
        var got = new List<byte[]>();
        var events = new List<UdptlEvent>();
        void Collect()
        {
            foreach (var e in rx.Events)
            {
                events.Add(e);
                if (e.Kind == UdptlEventKind.Packet)
                {
                    got.Add(rx.Payload(e).ToArray());
                }
            }
        }

        foreach (var d in datagrams)
        {
            Assert.Equal(UdptlError.None, rx.Receive(d));
            Collect();
        }

        rx.Flush();
        Collect();
        return (got, events);
    }

    [Fact]
    public void Datagram_layout_matches_the_wire()
    {
        var sender = new UdptlSender(new UdptlSenderOptions { Redundancy = 2 });
        var d = Datagrams(sender, [Hex("02"), Hex("04"), Hex("06"), Hex("C0 01 80 0000 FF")]);
        Assert.Equal(Hex("0000 01 02 00 00"), d[0]);
        Assert.Equal(Hex("0001 01 04 00 01 01 02"), d[1]);
        Assert.Equal(Hex("0002 01 06 00 02 01 04 01 02"), d[2]);
        Assert.Equal(Hex("0003 06 C00180 0000 FF 00 02 01 06 01 04"), d[3]);
    }

    [Fact]
    public void Long_packets_use_the_two_octet_length()
    {
        var ifp = new byte[300];
        IfpCodec.TryEncodeData(T38DataType.V17Rate14400, IfpFieldType.T4NonEcmData, new byte[290], 0, ifp, out var n);
        var sender = new UdptlSender(new UdptlSenderOptions { Redundancy = 0, MaxDatagramSize = 1400 });
        var d = Datagrams(sender, [ifp[..n]]).Single();
        Assert.Equal(0x80 | (n >> 8), d[2]);
        Assert.Equal(n & 0xFF, d[3]);
        Assert.True(UdptlCodec.TryDecode(d, out var packet, out _));
        Assert.Equal(ifp[..n], packet.Primary.ToArray());
        Assert.Equal(0, packet.EntryCount);
    }

    [Fact]
    public void Sender_leaves_out_secondaries_past_the_max_datagram()
    {
        var sender = new UdptlSender(new UdptlSenderOptions { Redundancy = 3, MaxDatagramSize = 100 });
        var big = new byte[40];
        big[0] = 0xC0;
        var d = Datagrams(sender, [big, big, big, big]);
        Assert.All(d, x => Assert.True(x.Length <= 100));
        Assert.True(UdptlCodec.TryDecode(d[3], out var p, out _));
        Assert.Equal(1, p.EntryCount); // 2 + 1 + 40 + 2 + (1 + 40) = 86; a second one would pass 100
        Assert.False(sender.TryEncode(new byte[99], new byte[200], out _));
        Assert.Equal(4, sender.NextSequence);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void Losing_every_kth_datagram_with_redundancy_3_recovers_everything(int k)
    {
        var packets = Packets(300);
        var d = Datagrams(new UdptlSender(new UdptlSenderOptions { Redundancy = 3, MaxDatagramSize = 1400 }), packets);
        var rx = new UdptlReceiver(new UdptlReceiverOptions());
        var (got, events) = Run(rx, d.Where((_, i) => i % k != 1 || i == d.Count - 1));
        Assert.Equal(packets, got);
        Assert.DoesNotContain(events, e => e.Kind == UdptlEventKind.Lost);
        Assert.Equal(Enumerable.Range(0, d.Count - 1).Count(i => i % k == 1), rx.Statistics.FromRedundancy);
    }

    [Fact]
    public void A_burst_longer_than_the_redundancy_is_reported_as_lost()
    {
        var packets = Packets(40);
        var d = Datagrams(new UdptlSender(new UdptlSenderOptions { Redundancy = 3, MaxDatagramSize = 1400 }), packets);
        var (got, events) = Run(new UdptlReceiver(new UdptlReceiverOptions()), d.Where((_, i) => i is < 10 or > 14));
        var lost = Assert.Single(events, e => e.Kind == UdptlEventKind.Lost);
        Assert.Equal(10, lost.Sequence);
        Assert.Equal(2, lost.Count); // 10..14 gone, 15 carries 14, 13, 12
        Assert.Equal(packets.Take(10).Concat(packets.Skip(12)), got);
    }

    [Fact]
    public void Reordered_datagrams_come_out_in_order_without_redundancy()
    {
        var packets = Packets(100);
        var d = Datagrams(new UdptlSender(new UdptlSenderOptions { Redundancy = 0 }), packets);
        // The first datagram sets where the run starts; after it, groups of three arrive backwards.
        var shuffled = new List<byte[]> { d[0] };
        for (var i = 1; i < d.Count; i += 3)
        {
            shuffled.AddRange(d.Skip(i).Take(3).Reverse());
        }

        var (got, events) = Run(new UdptlReceiver(new UdptlReceiverOptions { ReorderWindow = 3 }), shuffled);
        Assert.Equal(packets, got);
        Assert.All(events, e => Assert.Equal(UdptlEventKind.Packet, e.Kind));
    }

    [Fact]
    public void Duplicates_are_delivered_once()
    {
        var packets = Packets(50);
        var d = Datagrams(new UdptlSender(new UdptlSenderOptions { Redundancy = 1 }), packets);
        var rx = new UdptlReceiver(new UdptlReceiverOptions());
        var (got, _) = Run(rx, d.SelectMany(x => new[] { x, x, x }));
        Assert.Equal(packets, got);
        Assert.Equal(100, rx.Statistics.Duplicates);
    }

    [Fact]
    public void Sequence_numbers_wrap_from_65535_to_0()
    {
        var packets = Packets(30);
        var d = Datagrams(new UdptlSender(new UdptlSenderOptions { Redundancy = 2, InitialSequence = 65520 }), packets);
        var rx = new UdptlReceiver(new UdptlReceiverOptions());
        var (got, events) = Run(rx, d.Where((_, i) => i != 16));
        Assert.Equal(packets, got);
        Assert.Equal(Enumerable.Range(65520, 30).Select(i => (ushort)i), events.Select(e => e.Sequence));
        Assert.Equal(65520 + 30 - 65536, rx.ExpectedSequence);
    }

    [Fact]
    public void Loss_without_redundancy_waits_the_window_then_reports_the_gap()
    {
        var packets = Packets(20);
        var d = Datagrams(new UdptlSender(new UdptlSenderOptions { Redundancy = 0 }), packets);
        var rx = new UdptlReceiver(new UdptlReceiverOptions { ReorderWindow = 2 });
        for (var i = 0; i < 5; i++)
        {
            rx.Receive(d[i]);
        }

        rx.Receive(d[6]);
        Assert.Empty(rx.Events.ToArray()); // 5 is missing; 6 is held
        rx.Receive(d[7]);
        Assert.Equal([UdptlEventKind.Lost, UdptlEventKind.Packet, UdptlEventKind.Packet], rx.Events.ToArray().Select(e => e.Kind));
        Assert.Equal(5, rx.Events[0].Sequence);
        rx.Receive(d[9]);
        rx.Flush();
        Assert.Equal(8, Assert.Single(rx.Events.ToArray(), e => e.Kind == UdptlEventKind.Lost).Sequence);
        Assert.Equal(2, rx.Statistics.Lost);
    }

    [Fact]
    public void A_wild_jump_is_a_restart()
    {
        var d1 = Datagrams(new UdptlSender(new UdptlSenderOptions { Redundancy = 1 }), Packets(5));
        var d2 = Datagrams(new UdptlSender(new UdptlSenderOptions { Redundancy = 1, InitialSequence = 30000 }), Packets(5, 8));
        var (got, events) = Run(new UdptlReceiver(new UdptlReceiverOptions()), d1.Concat(d2));
        Assert.Equal(10, got.Count);
        Assert.Equal(UdptlEventKind.SequenceRestart, events[5].Kind);
        Assert.Equal(30000, events[5].Sequence);
    }

    [Theory]
    [InlineData(3, 3, 5)]
    [InlineData(2, 4, 3)]
    [InlineData(1, 1, 3)]
    public void Fec_rebuilds_single_losses(int span, int entries, int k)
    {
        var packets = Packets(200, 11, 1);
        var d = Datagrams(new UdptlSender(new UdptlSenderOptions { ErrorRecovery = UdptlErrorRecovery.Fec, FecSpan = span, FecEntries = entries, MaxDatagramSize = 4000 }), packets);
        Assert.True(UdptlCodec.TryDecode(d[100], out var p, out _));
        Assert.Equal(UdptlErrorRecovery.Fec, p.ErrorRecovery);
        Assert.Equal(span, p.FecSpan);
        Assert.Equal(entries, p.EntryCount);
        var rx = new UdptlReceiver(new UdptlReceiverOptions { T38Version = 1 });
        var (got, _) = Run(rx, d.Where((_, i) => i < span * entries || i % k != 0 || i == d.Count - 1));
        Assert.Equal(packets, got);
        Assert.True(rx.Statistics.FromFec > 10);
    }

    [Fact]
    public void Fec_parity_is_the_xor_of_its_group()
    {
        var sender = new UdptlSender(new UdptlSenderOptions { ErrorRecovery = UdptlErrorRecovery.Fec, FecSpan = 2, FecEntries = 1 });
        var d = Datagrams(sender, [Hex("02"), Hex("C0 01 20"), Hex("04")]);
        // Third datagram: span 2, 1 entry covering the two before it, padded to the longer.
        Assert.Equal(Hex("0002 01 04 80 01 02 01 03 C2 01 20"), d[2]);
    }

    [Theory]
    [InlineData("00", UdptlError.Truncated)]
    [InlineData("0001 00", UdptlError.EmptyPacket)]
    [InlineData("0001 05 02", UdptlError.Truncated)]
    [InlineData("0001 C1 02", UdptlError.FragmentedLength)]
    [InlineData("0001 01 02 01 00", UdptlError.BadErrorRecovery)]
    [InlineData("0001 01 02 80 03 000001 00", UdptlError.BadFecParameters)]
    [InlineData("0001 01 02 00 00 00", UdptlError.TrailingBytes)]
    [InlineData("0001 01 02 00 02 01 04", UdptlError.Truncated)]
    public void Malformed_datagrams_get_a_reason_and_change_nothing(string hex, UdptlError expected)
    {
        Assert.False(UdptlCodec.TryDecode(Hex(hex), out _, out var error));
        Assert.Equal(expected, error);
        var rx = new UdptlReceiver(new UdptlReceiverOptions());
        Assert.Equal(expected, rx.Receive(Hex(hex)));
        Assert.Empty(rx.Events.ToArray());
        Assert.Equal(1, rx.Statistics.Malformed);
    }

    [Fact]
    public void Every_prefix_of_a_datagram_is_rejected()
    {
        foreach (var d in Datagrams(new UdptlSender(new UdptlSenderOptions { Redundancy = 3 }), Packets(20)))
        {
            for (var len = 0; len < d.Length; len++)
            {
                Assert.False(UdptlCodec.TryDecode(d.AsSpan(0, len), out _, out var error));
                Assert.NotEqual(UdptlError.None, error);
            }
        }
    }

    [Fact]
    public void Receiving_allocates_nothing_per_datagram()
    {
        var d = Datagrams(new UdptlSender(new UdptlSenderOptions { Redundancy = 3 }), Packets(400)).Where((_, i) => i % 5 != 2).ToArray();
        var rx = new UdptlReceiver(new UdptlReceiverOptions());
        rx.Receive(d[0]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0;
        for (var i = 1; i < d.Length; i++)
        {
            rx.Receive(d[i]);
            foreach (var e in rx.Events)
            {
                total += rx.Payload(e).Length;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }

    [Fact]
    public void Mutated_datagrams_never_break_the_receiver()
    {
        var rng = new Random(9);
        var seeds = Datagrams(new UdptlSender(new UdptlSenderOptions { Redundancy = 2 }), Packets(40))
            .Concat(Datagrams(new UdptlSender(new UdptlSenderOptions { ErrorRecovery = UdptlErrorRecovery.Fec }), Packets(40, 3))).ToArray();
        var rx = new UdptlReceiver(new UdptlReceiverOptions { MaxIfpSize = 200 });
        var buf = new byte[4096];
        var errors = new HashSet<UdptlError>();
        for (var i = 0; i < 100_000; i++)
        {
            var len = IfpFuzzTests.Mutate(rng, seeds[rng.Next(seeds.Length)], buf);
            var error = rx.Receive(buf.AsSpan(0, len));
            errors.Add(error);
            foreach (var e in rx.Events)
            {
                Assert.InRange(rx.Payload(e).Length, 0, 200);
            }

            if (i % 1000 == 0)
            {
                rx.Flush();
            }
        }

        Assert.Contains(UdptlError.None, errors);
        Assert.Contains(UdptlError.Truncated, errors);
    }
}
