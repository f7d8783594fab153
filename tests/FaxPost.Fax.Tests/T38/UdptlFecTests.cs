using FaxPost.Fax.T38;

namespace FaxPost.Fax.Tests.T38;

/// <summary>
/// UDPTL FEC as we send it (T.38 §9.1 fec-info), checked against an independent model of the layout
/// spandsp's and Asterisk's udptl.c use, and round-tripped through <see cref="UdptlCodec"/> and the real
/// <see cref="UdptlReceiver"/>. Debian's libspandsp has no UDPTL, so there is no third-party FEC peer to
/// fax against here: these tests carry the weight.
/// </summary>
public sealed class UdptlFecTests
{
    private static UdptlSender Fec(int span = 3, int entries = 3, int max = 4000, ushort first = 0) =>
        new(new UdptlSenderOptions { ErrorRecovery = UdptlErrorRecovery.Fec, FecSpan = span, FecEntries = entries, MaxDatagramSize = max, InitialSequence = first });

    /// <summary>Valid IFP packets (version 1) of mixed lengths, as the receiver must cut repaired parity back to them.</summary>
    private static List<byte[]> Packets(int count, int seed = 5, int maxLength = 300)
    {
        var rng = new Random(seed);
        var list = new List<byte[]>();
        while (list.Count < count)
        {
            var p = IfpModel.Random(rng, 1).Encode(1);
            if (p.Length <= maxLength)
            {
                list.Add(p);
            }
        }

        return list;
    }

    private static List<byte[]> Datagrams(UdptlSender sender, IEnumerable<byte[]> packets)
    {
        var buf = new byte[5000];
        var list = new List<byte[]>();
        foreach (var p in packets)
        {
            Assert.True(sender.TryEncode(p, buf, out var n));
            list.Add(buf[..n]);
        }

        return list;
    }

    /// <summary>The parity the layout promises: XOR of packets s + m − j·entries (j = 1..span), zero-padded to the longest.</summary>
    private static byte[] ExpectedParity(IReadOnlyList<byte[]> packets, int s, int m, int span, int entries)
    {
        var group = Enumerable.Range(1, span).Select(j => packets[s + m - (j * entries)]).ToList();
        var parity = new byte[group.Max(p => p.Length)];
        foreach (var p in group)
        {
            for (var k = 0; k < p.Length; k++)
            {
                parity[k] ^= p[k];
            }
        }

        return parity;
    }

    private static (List<byte[]> Packets, List<UdptlEvent> Events) Run(UdptlReceiver rx, IEnumerable<byte[]> datagrams) =>
        UdptlTests.Run(rx, datagrams);

    [Theory]
    [InlineData(3, 3)]
    [InlineData(2, 4)]
    [InlineData(4, 2)]
    [InlineData(1, 1)]
    [InlineData(5, 1)]
    public void Every_datagram_decodes_to_its_primary_and_the_promised_parity(int span, int entries)
    {
        var packets = Packets(120);
        var d = Datagrams(Fec(span, entries), packets);
        for (var s = 0; s < d.Count; s++)
        {
            Assert.True(UdptlCodec.TryDecode(d[s], out var p, out var error), $"{s}: {error}");
            Assert.Equal(s, p.Sequence);
            Assert.Equal(packets[s], p.Primary.ToArray());
            Assert.Equal(UdptlErrorRecovery.Fec, p.ErrorRecovery);

            // Wind-up (as spandsp does): while fewer than span x entries packets went out, entries = sent / span.
            var full = s >= span * entries;
            Assert.Equal(full ? span : s < span ? 0 : span, p.FecSpan);
            Assert.Equal(full ? entries : s / span, p.EntryCount);
            var m = 0;
            foreach (var parity in p.Entries)
            {
                Assert.Equal(ExpectedParity(packets, s, m, p.FecSpan, p.EntryCount), parity.ToArray());
                m++;
            }
        }
    }

    [Fact]
    public void The_wire_layout_is_choice_span_count_then_parity_strings()
    {
        var packets = new[] { "02", "04", "C001 20", "06", "C001 A0", "08" }.Select(h => Convert.FromHexString(h.Replace(" ", "", StringComparison.Ordinal))).ToArray();
        var d = Datagrams(Fec(span: 2, entries: 2), packets);
        Assert.Equal(Convert.FromHexString("0000" + "0102" + "80" + "0100" + "00"), d[0]);
        // Seq 2, winding up: entries 2 / 2 = 1, so one entry over packets 1 and 0.
        Assert.Equal(Convert.FromHexString("0002" + "03C00120" + "80" + "0102" + "01" + "0106"), d[2]);
        // Full from seq 4: entry 0 = p[2] ^ p[0], entry 1 = p[3] ^ p[1].
        Assert.Equal(Convert.FromHexString("0004" + "03C001A0" + "80" + "0102" + "02" + "03C20120" + "0102"), d[4]);
    }

    [Theory]
    [InlineData(3, 3)]
    [InlineData(2, 4)]
    [InlineData(1, 2)]
    public void Every_single_loss_in_a_group_is_rebuilt(int span, int entries)
    {
        var packets = Packets(60, 21);
        var d = Datagrams(Fec(span, entries), packets);
        // After wind-up, drop each packet in turn; the datagrams after it carry its parity.
        for (var lost = span * entries; lost < d.Count - 1; lost++)
        {
            var rx = new UdptlReceiver(new UdptlReceiverOptions { T38Version = 1 });
            var (got, events) = Run(rx, d.Where((_, i) => i != lost));
            Assert.Equal(packets, got);
            Assert.DoesNotContain(events, e => e.Kind == UdptlEventKind.Lost);
            Assert.Equal(1, rx.Statistics.FromFec);
            Assert.Equal(UdptlPacketSource.Fec, events.Single(e => e.Sequence == lost).Source);
        }
    }

    [Theory]
    [InlineData(0.05, 1)]
    [InlineData(0.10, 2)]
    [InlineData(0.20, 3)]
    public void Random_loss_through_the_receiver_is_rebuilt_or_reported(double loss, int seed)
    {
        var packets = Packets(2000, seed);
        var d = Datagrams(Fec(), packets);
        var rng = new Random(seed);
        var dropped = Enumerable.Range(0, d.Count).Where(i => i > 0 && i < d.Count - 1 && rng.NextDouble() < loss).ToHashSet();
        var rx = new UdptlReceiver(new UdptlReceiverOptions { T38Version = 1 });
        var (got, events) = Run(rx, d.Where((_, i) => !dropped.Contains(i)));

        // Every sequence number comes out once, as the packet sent or as lost; nothing else.
        var delivered = events.Where(e => e.Kind == UdptlEventKind.Packet).ToList();
        var lost = events.Where(e => e.Kind == UdptlEventKind.Lost).SelectMany(e => Enumerable.Range(e.Sequence, e.Count)).ToHashSet();
        Assert.Equal(d.Count, delivered.Count + lost.Count);
        Assert.Subset(dropped, lost);
        var stats = rx.Statistics;
        Assert.Equal(dropped.Count, stats.FromFec + stats.Lost);

        // A drop whose next datagram arrives, with the other two packets of that datagram's last group
        // (p − 3, p − 6) received directly, is rebuilt at once: the receiver must get at least those.
        var easy = dropped.Count(p => p >= 9 && !dropped.Contains(p + 1) && !dropped.Contains(p - 3) && !dropped.Contains(p - 6));
        Assert.True(stats.FromFec >= easy, $"rebuilt {stats.FromFec}, {easy} were easy");
        Assert.True(stats.FromFec > dropped.Count / 2, $"rebuilt {stats.FromFec} of {dropped.Count}");
        Assert.Equal(delivered.Select(e => packets[e.Sequence]), got);
        Assert.All(delivered, e => Assert.Equal(e.Source == UdptlPacketSource.Fec, dropped.Contains(e.Sequence)));
    }

    [Fact]
    public void Fec_works_across_the_wrap_from_65535_to_0()
    {
        var packets = Packets(60, 31);
        var d = Datagrams(Fec(first: 65510), packets);
        Assert.True(UdptlCodec.TryDecode(d[26], out var p, out _));
        Assert.Equal(0, p.Sequence);
        Assert.Equal(3, p.EntryCount);

        // Lose the packets either side of the wrap (65534 and 1), and one whose group spans it.
        var dropped = new HashSet<int> { 24, 27, 30 };
        var rx = new UdptlReceiver(new UdptlReceiverOptions { T38Version = 1 });
        var (got, events) = Run(rx, d.Where((_, i) => !dropped.Contains(i)));
        Assert.Equal(packets, got);
        Assert.Equal(3, rx.Statistics.FromFec);
        Assert.Equal(Enumerable.Range(65510, 60).Select(i => (ushort)i), events.Select(e => e.Sequence));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(160)]
    [InlineData(64)]
    public void Datagrams_never_pass_the_limit_and_what_fits_still_repairs(int max)
    {
        var packets = Packets(400, 41, maxLength: max - 8);
        var sender = Fec(max: max);
        var d = Datagrams(sender, packets);
        var entryCounts = new HashSet<int>();
        foreach (var x in d)
        {
            Assert.InRange(x.Length, 1, max);
            Assert.True(UdptlCodec.TryDecode(x, out var p, out _));
            entryCounts.Add(p.EntryCount);
        }

        // Long packets leave parity out; short ones keep some: both happen with this mix.
        Assert.Contains(0, entryCounts);
        Assert.Contains(entryCounts, c => c > 0);

        // What each datagram does carry is consistent with its own entry count: losses it covers are rebuilt.
        var rx = new UdptlReceiver(new UdptlReceiverOptions { T38Version = 1 });
        var dropped = Enumerable.Range(1, d.Count - 2).Where(i => i % 11 == 0).ToHashSet();
        var (got, events) = Run(rx, d.Where((_, i) => !dropped.Contains(i)));
        Assert.Equal(d.Count - rx.Statistics.Lost, got.Count);
        Assert.Equal(dropped.Count, rx.Statistics.FromFec + rx.Statistics.Lost);
        Assert.True(rx.Statistics.FromFec > 0);
        var delivered = events.Where(e => e.Kind == UdptlEventKind.Packet).Select(e => packets[e.Sequence]);
        Assert.Equal(delivered, got);
    }

    [Fact]
    public void A_primary_too_long_for_the_limit_is_refused_without_using_a_sequence_number()
    {
        var sender = Fec(max: 100);
        Assert.Equal(100 - 2 - 2 - 4, sender.MaxIfpLength);
        Assert.False(sender.TryEncode(new byte[sender.MaxIfpLength + 1], new byte[200], out _));
        Assert.True(sender.TryEncode(new byte[sender.MaxIfpLength], new byte[200], out var n));
        Assert.InRange(n, 90, 100);
        Assert.Equal(1, sender.NextSequence);
    }

    [Theory]
    [InlineData(UdptlErrorRecovery.Fec, 3, 400)]
    [InlineData(UdptlErrorRecovery.Fec, 1, 400)]
    [InlineData(UdptlErrorRecovery.Redundancy, 3, 400)]
    [InlineData(UdptlErrorRecovery.Redundancy, 0, 400)]
    [InlineData(UdptlErrorRecovery.Redundancy, 2, 1400)]
    [InlineData(UdptlErrorRecovery.Fec, 2, 1400)]
    public void Packets_of_the_protected_length_carry_full_protection_and_one_more_octet_does_not(UdptlErrorRecovery recovery, int depth, int max)
    {
        UdptlSenderOptions Options() => new() { ErrorRecovery = recovery, Redundancy = depth, FecSpan = 2, FecEntries = Math.Max(depth, 1), MaxDatagramSize = max };
        var length = new UdptlSender(Options()).MaxProtectedIfpLength;
        int Protection(int len)
        {
            var sender = new UdptlSender(Options());
            var d = Datagrams(sender, Enumerable.Range(0, 20).Select(_ => Enumerable.Repeat((byte)0xC0, len).ToArray())).Last();
            Assert.True(d.Length <= max);
            Assert.True(UdptlCodec.TryDecode(d, out var p, out _));
            return p.EntryCount;
        }

        var full = recovery == UdptlErrorRecovery.Fec ? Math.Max(depth, 1) : depth;
        Assert.Equal(full, Protection(length));
        if (full > 0)
        {
            Assert.True(Protection(length + 1) < full);
        }
        else
        {
            Assert.Equal(new UdptlSender(Options()).MaxIfpLength, length);
        }
    }

    [Fact]
    public void Sending_with_fec_allocates_nothing_per_packet()
    {
        var packets = Packets(300, 51);
        var sender = Fec();
        var buf = new byte[4000];
        sender.TryEncode(packets[0], buf, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0;
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.True(sender.TryEncode(packets[i], buf, out var n));
            total += n;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(total > 0);
    }
}
