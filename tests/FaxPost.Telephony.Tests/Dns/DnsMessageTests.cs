using System.Buffers;
using System.Net;
using FaxPost.Telephony.Sip.Dns;

namespace FaxPost.Telephony.Tests.Dns;

public sealed class DnsMessageTests
{
    /// <summary>
    /// A NAPTR answer for example.com with compressed owner names (pointers to the question's name at
    /// offset 12), an SRV in the additional section whose target is compressed too, and an A for it.
    /// </summary>
    private static byte[] SipAnswer()
    {
        var w = DnsWire.Response(0xBEEF, 0x8180, qd: 1, an: 2, ns: 0, ar: 2);
        w.Question("example.com", 35);                                            // name at 12
        w.Naptr(x => x.Pointer(12), 300, 10, 20, "S", "SIP+D2T", "", "_sip._tcp.example.com");
        w.Naptr(x => x.Pointer(12), 200, 20, 10, "s", "SIP+D2U", "", "_sip._udp.example.com");
        w.Srv(x => x.Name("_sip._tcp", 12), 120, 1, 60, 5070, x => x.Name("sip1", 12));
        w.A(x => x.Name("sip1", 12), 60, "192.0.2.7");
        return w.ToArray();
    }

    [Fact]
    public void Parses_a_naptr_answer_with_compressed_names()
    {
        var m = DnsMessage.Parse(SipAnswer());

        Assert.Equal(0xBEEF, m.Id);
        Assert.True(m.IsResponse);
        Assert.False(m.Truncated);
        Assert.Equal(DnsResponseCode.NoError, m.ResponseCode);
        Assert.Equal(new DnsQuestion("example.com", DnsRecordType.Naptr, 1), Assert.Single(m.Questions));
        var first = Assert.IsType<DnsNaptrRecord>(m.Answers[0]);
        Assert.Equal(("example.com", 300u, (ushort)10, (ushort)20, "S", "SIP+D2T", "", "_sip._tcp.example.com"),
            (first.Name, first.Ttl, first.Order, first.Preference, first.Flags, first.Services, first.Regexp, first.Replacement));
        var srv = Assert.IsType<DnsSrvRecord>(m.Additionals[0]);
        Assert.Equal(("_sip._tcp.example.com", (ushort)1, (ushort)60, (ushort)5070, "sip1.example.com"), (srv.Name, srv.Priority, srv.Weight, srv.Port, srv.Target));
        var a = Assert.IsType<DnsAddressRecord>(m.Additionals[1]);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), a.Address);
        Assert.Equal("sip1.example.com", a.Name);
    }

    [Fact]
    public void Parses_aaaa_cname_soa_and_unknown_types()
    {
        var w = DnsWire.Response(7, 0x8183, qd: 1, an: 2, ns: 1, ar: 1);
        w.Question("www.example.org", 28);
        w.Record(x => x.Pointer(12), 5, 30, x => x.Name("host", 16));                // CNAME host.example.org
        w.A(x => x.Name("host", 16), 40, "2001:db8::5");
        w.Record(x => x.Pointer(16), 6, 900, x => x.Name("ns1", 16).Name("hostmaster", 16).U32(1).U32(2).U32(3).U32(4).U32(60));
        w.Record(x => x.Name(""), 16, 10, x => x.Raw(3, (byte)'a', (byte)'b', (byte)'c'));   // TXT, kept raw

        var m = DnsMessage.Parse(w.ToArray());

        Assert.Equal(DnsResponseCode.NameError, m.ResponseCode);
        Assert.Equal(new DnsCnameRecord("www.example.org", 30, "host.example.org"), m.Answers[0]);
        Assert.Equal(IPAddress.Parse("2001:db8::5"), Assert.IsType<DnsAddressRecord>(m.Answers[1]).Address);
        var soa = Assert.IsType<DnsSoaRecord>(Assert.Single(m.Authorities));
        Assert.Equal(("example.org", "ns1.example.org", "hostmaster.example.org", 60u), (soa.Name, soa.PrimaryServer, soa.Mailbox, soa.Minimum));
        var other = Assert.IsType<DnsOtherRecord>(Assert.Single(m.Additionals));
        Assert.Equal((".", (DnsRecordType)16), (other.Name, other.Type));
        Assert.Equal(new byte[] { 3, 97, 98, 99 }, other.Data);
    }

    [Fact]
    public void The_srv_target_dot_and_the_truncation_flag_are_read()
    {
        var w = DnsWire.Response(1, 0x8380, qd: 1, an: 1);
        w.Question("_sip._udp.example.net", 33);
        w.Srv(x => x.Pointer(12), 60, 0, 0, 0, x => x.Name(""));
        var m = DnsMessage.Parse(w.ToArray());

        Assert.True(m.Truncated);
        Assert.Equal(".", Assert.IsType<DnsSrvRecord>(m.Answers[0]).Target);
    }

    [Theory]
    [InlineData("self")]          // a pointer to itself
    [InlineData("forward")]       // a pointer past itself
    [InlineData("mutual")]        // two names pointing at each other
    [InlineData("reserved")]      // label type 01/10
    [InlineData("long")]          // over 255 octets through pointers
    public void Compression_loops_and_bad_labels_are_format_errors(string kind)
    {
        var w = DnsWire.Response(1, 0x8180, qd: 1, an: 0);
        switch (kind)
        {
            case "self":
                w.Pointer(12).U16(1).U16(1);
                break;
            case "forward":
                w.Pointer(20).U16(1).U16(1).Name("x");
                break;
            case "mutual":
                // Name at 12: "a" then pointer to 17; name at 17: "b" then pointer to 12.
                w.Raw(1, (byte)'a').Pointer(17).Raw(1, (byte)'b').Pointer(12).U16(1).U16(1);
                break;
            case "reserved":
                w.Raw(0x40, 1).U16(1).U16(1);
                break;
            case "long":
                // A first question of 4 labels of 60 (245 octets, valid), a second one label of 60
                // more pointing at it: 306 octets.
                w = DnsWire.Response(1, 0x8180, qd: 2, an: 0);
                var label = new string('a', 60);
                w.Question(string.Join('.', label, label, label, label), 1);
                w.Name(label, 12).U16(1).U16(1);
                break;
        }

        var message = w.ToArray();
        var e = Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(message));
        Assert.True(e.Offset >= 0);
    }

    [Fact]
    public void Rdata_that_does_not_fill_its_length_is_a_format_error()
    {
        var w = DnsWire.Response(1, 0x8180, qd: 0, an: 1);
        w.Record(x => x.Name("a.example"), 1, 5, x => x.Raw(1, 2, 3));            // A with 3 octets
        Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(w.ToArray()));

        var s = DnsWire.Response(1, 0x8180, qd: 0, an: 1);
        s.Record(x => x.Name("b.example"), 33, 5, x => x.U16(1).U16(1).U16(5060).Name("t.example").Raw(0));   // a stray octet
        Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(s.ToArray()));
    }

    [Fact]
    public void Every_prefix_of_a_message_is_a_format_error_never_an_index_error()
    {
        var whole = SipAnswer();
        for (var length = 0; length < whole.Length; length++)
        {
            Assert.False(DnsMessage.TryParse(whole.AsSpan(0, length), out _, out var error), $"prefix {length} parsed");
            Assert.NotNull(error);
        }

        Assert.True(DnsMessage.TryParse(whole, out _, out _));
    }

    [Fact]
    public void Tcp_frames_come_out_whole_whatever_the_chunks()
    {
        var one = SipAnswer();
        var two = DnsWire.Response(2, 0x8180, qd: 1, an: 0).Question("b.example", 1).ToArray();
        var stream = Frame(one).Concat(Frame(two)).ToArray();
        for (var split = 0; split <= stream.Length; split++)
        {
            var got = new List<byte[]>();
            var pending = Array.Empty<byte>();
            foreach (var chunk in new[] { stream[..split], stream[split..] })
            {
                pending = [.. pending, .. chunk];
                var sequence = new ReadOnlySequence<byte>(pending);
                while (DnsStreamFrame.TryRead(ref sequence, out var frame))
                {
                    got.Add(frame.ToArray());
                }

                pending = sequence.ToArray();
            }

            Assert.Equal(2, got.Count);
            Assert.Equal(one, got[0]);
            Assert.Equal(two, got[1]);
        }

        // One byte at a time, as a multi-segment sequence.
        var segments = Segments(stream);
        var all = new List<byte[]>();
        while (DnsStreamFrame.TryRead(ref segments, out var f))
        {
            all.Add(f.ToArray());
        }

        Assert.Equal([one, two], all);
        Assert.Equal(0, segments.Length);
    }

    [Fact]
    public void Query_writer_output_reads_back()
    {
        var buffer = new byte[DnsQuery.MaxLength];
        var length = DnsQuery.Write(buffer, 0x1234, "_sip._udp.Example.NET.", DnsRecordType.Srv);
        var m = DnsMessage.Parse(buffer.AsSpan(0, length));

        Assert.Equal(0x1234, m.Id);
        Assert.False(m.IsResponse);
        Assert.Equal(0x0100, m.Flags);
        Assert.Equal(new DnsQuestion("_sip._udp.Example.NET", DnsRecordType.Srv, 1), Assert.Single(m.Questions));
        Assert.Throws<ArgumentException>(() => DnsQuery.Write(buffer, 1, "a..b", DnsRecordType.A));
        Assert.Throws<ArgumentException>(() => DnsQuery.Write(buffer, 1, new string('x', 64) + ".com", DnsRecordType.A));
        Assert.Throws<ArgumentException>(() => DnsQuery.Write(buffer, 1, string.Join('.', Enumerable.Repeat(new string('x', 60), 5)), DnsRecordType.A));
        Assert.Throws<ArgumentException>(() => DnsQuery.Write(buffer, 1, "bad name.com", DnsRecordType.A));
    }

    [Fact]
    public void Mutated_messages_parse_cleanly_or_fail_with_our_exception()
    {
        var seeds = new[]
        {
            SipAnswer(),
            DnsWire.Response(7, 0x8180, qd: 1, an: 2).Question("www.example.org", 1)
                .Record(x => x.Pointer(12), 5, 30, x => x.Name("host", 16)).A(x => x.Name("host", 16), 40, "192.0.2.1").ToArray(),
        };
        var random = new Random(3263);
        var clean = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var data = (byte[])seeds[i % seeds.Length].Clone();
            var mutations = random.Next(1, 4);
            for (var m = 0; m < mutations; m++)
            {
                switch (random.Next(4))
                {
                    case 0:
                        data[random.Next(data.Length)] = (byte)random.Next(256);
                        break;
                    case 1:
                        data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                        break;
                    case 2:
                        data = data[..random.Next(data.Length)];
                        break;
                    default:
                        // Compression-pointer-looking bytes anywhere.
                        if (data.Length > 1)
                        {
                            var at = random.Next(data.Length - 1);
                            data[at] = (byte)(0xC0 | random.Next(4));
                            data[at + 1] = (byte)random.Next(256);
                        }

                        break;
                }

                if (data.Length == 0)
                {
                    break;
                }
            }

            try
            {
                DnsMessage.Parse(data);
                clean++;
            }
            catch (DnsFormatException)
            {
            }
        }

        Assert.InRange(clean, 1, 99_999);
    }

    private static byte[] Frame(byte[] message) => [(byte)(message.Length >> 8), (byte)message.Length, .. message];

    private static ReadOnlySequence<byte> Segments(byte[] bytes)
    {
        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
