using System.Buffers;
using System.Text;
using FaxPost.Telephony.Sip;

namespace FaxPost.Telephony.Tests.Sip;

public sealed class SipMessageParserTests
{
    [Fact]
    public void Parses_typical_invite_with_typed_headers()
    {
        var result = SipMessageParser.ParseDatagram(SipTestMessages.Invite());
        Assert.Equal(SipParseStatus.Complete, result.Status);
        var request = Assert.IsType<SipRequest>(result.Message);
        Assert.Equal("INVITE", request.Method);
        Assert.Equal("+4930123456", request.RequestUri.User);
        Assert.Equal("gw.example.net", request.RequestUri.Host);
        var via = Assert.Single(request.Vias);
        Assert.Equal("UDP", via.Transport);
        Assert.Equal("192.0.2.10", via.Host);
        Assert.Equal(5060, via.Port);
        Assert.Equal("z9hG4bK776asdhds", via.Branch);
        Assert.True(via.HasRPort);
        Assert.Null(via.RPort);
        Assert.Equal("Fax Line 1", request.From.DisplayName);
        Assert.Equal("1928301774", request.From.Tag);
        Assert.Null(request.To.Tag);
        Assert.Equal("a84b4c76e66710@192.0.2.10", request.CallId);
        Assert.Equal(new SipCSeq(314159, "INVITE"), request.CSeq);
        Assert.Equal(70, request.MaxForwards);
        Assert.Equal("udp", Assert.Single(request.Contacts).Uri.Transport);
        Assert.Equal(["p2.example.net", "p1.example.net"], request.RecordRoutes.Select(r => r.Uri.Host));
        Assert.True(request.RecordRoutes[0].Uri.IsLooseRouter);
        Assert.Equal(["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS"], request.Allow);
        Assert.Equal(["timer", "replaces"], request.Supported);
        Assert.Equal(new SipSessionExpires(1800, "uac"), request.SessionExpires);
        Assert.Equal(90, request.MinSE);
        Assert.Equal("+4930123456", Assert.Single(request.PCalledPartyIds).Uri.User);
        Assert.Equal(["one", "two"], request.GetHeaderValues("x-custom"));
        Assert.Equal("application/sdp", request.ContentType);
        Assert.Equal(SipTestMessages.Sdp, Encoding.UTF8.GetString(request.Body.Span));
        Assert.True(request.TryValidate(out var error), error.ToString());
    }

    [Fact]
    public void Compact_names_map_to_the_same_headers()
    {
        const string text =
            "OPTIONS sip:a@example.com SIP/2.0\r\n" +
            "v: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\n" +
            "f: <sip:b@example.com>;tag=1\r\n" +
            "t: sip:a@example.com\r\n" +
            "i: cid1\r\n" +
            "CSeq: 1 OPTIONS\r\n" +
            "m: <sip:b@h.example.com>\r\n" +
            "k: 100rel\r\n" +
            "s: hello\r\n" +
            "x: 600\r\n" +
            "c: text/plain\r\n" +
            "l: 2\r\n\r\nhi";
        var message = SipMessageParser.ParseDatagram(text).Message!;
        Assert.Equal("TCP", message.TopVia!.Transport);
        Assert.Equal("1", message.From.Tag);
        Assert.Equal("cid1", message.CallId);
        Assert.Equal("cid1", message.GetHeader("Call-ID"));
        Assert.Equal("b", Assert.Single(message.Contacts).Uri.User);
        Assert.Equal(["100rel"], message.Supported);
        Assert.Equal("hello", message.GetHeader(SipHeaderKind.Subject));
        Assert.Equal(600, message.SessionExpires!.Value.Seconds);
        Assert.Equal("text/plain", message.ContentType);
        Assert.Equal("hi", Encoding.ASCII.GetString(message.Body.Span));
    }

    [Fact]
    public void Folded_lines_read_as_one_value()
    {
        const string text =
            "SIP/2.0 200 OK\r\n" +
            "Via: SIP/2.0/UDP h.example.com\r\n ;branch=z9hG4bK1\r\n\t;received=192.0.2.1\r\n" +
            "From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>;tag=2\r\nCall-ID: x\r\n" +
            "CSeq: 7\r\n  INVITE\r\nContent-Length: 0\r\n\r\n";
        var response = Assert.IsType<SipResponse>(SipMessageParser.ParseDatagram(text).Message);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("OK", response.ReasonPhrase);
        Assert.Equal("192.0.2.1", response.TopVia!.Received);
        Assert.Equal(new SipCSeq(7, "INVITE"), response.CSeq);
        Assert.True(response.TryValidate(out _));
    }

    [Fact]
    public void Every_prefix_is_incomplete_and_consumes_nothing()
    {
        var bytes = SipTestMessages.Bytes(SipTestMessages.Invite());
        for (var n = 0; n < bytes.Length; n++)
        {
            var result = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(bytes, 0, n));
            Assert.True(result.Status == SipParseStatus.Incomplete, $"prefix {n}: {result}");
            Assert.Equal(0, result.Consumed);
        }

        var whole = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(bytes));
        Assert.Equal(SipParseStatus.Complete, whole.Status);
        Assert.Equal(bytes.Length, whole.Consumed);
    }

    [Fact]
    public void Split_across_segments_parses_the_same()
    {
        var bytes = SipTestMessages.Bytes(SipTestMessages.Invite() + SipTestMessages.Invite("v=0\r\n"));
        var reference = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(bytes));
        var random = new Random(1234);
        for (var round = 0; round < 200; round++)
        {
            var sequence = TestSequences.RandomSegments(bytes, random);
            var first = SipMessageParser.ParseStream(sequence);
            Assert.Equal(SipParseStatus.Complete, first.Status);
            Assert.Equal(reference.Consumed, first.Consumed);
            Assert.Equal(reference.Message!.RawBytes.ToArray(), first.Message!.RawBytes.ToArray());
            var second = SipMessageParser.ParseStream(sequence.Slice(first.Consumed));
            Assert.Equal(SipParseStatus.Complete, second.Status);
            Assert.Equal("v=0\r\n", Encoding.ASCII.GetString(second.Message!.Body.Span));
            Assert.Equal(bytes.Length, first.Consumed + second.Consumed);
        }
    }

    [Theory]
    [InlineData("\r\n\r\n", "KeepAlive(ping)", 4)]
    [InlineData("\r\n\r\nINVITE", "KeepAlive(ping)", 4)]
    [InlineData("\r\nINVITE", "KeepAlive(pong)", 2)]
    [InlineData("\r\n", "Incomplete", 0)]
    [InlineData("\r\n\r", "Incomplete", 0)]
    [InlineData("\r\n\n", "KeepAlive(pong)", 2)]
    public void Keepalives_on_a_stream(string input, string expected, long consumed)
    {
        var result = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(input)));
        Assert.Equal(expected, result.ToString());
        Assert.Equal(consumed, result.Consumed);
    }

    [Fact]
    public void Keepalive_then_message_on_a_stream_and_crlf_datagrams()
    {
        var bytes = SipTestMessages.Bytes("\r\n\r\n" + SipTestMessages.Invite());
        var ping = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(bytes));
        Assert.True(ping.IsPing);
        var message = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(bytes).Slice(ping.Consumed));
        Assert.Equal(SipParseStatus.Complete, message.Status);
        Assert.Equal(bytes.Length, ping.Consumed + message.Consumed);

        // A stray LF before the start line is skipped and counted with the message (RFC 3261 §7.5).
        var stray = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(SipTestMessages.Bytes("\n" + SipTestMessages.Invite())));
        Assert.Equal(SipParseStatus.Complete, stray.Status);

        var datagramPing = SipMessageParser.ParseDatagram("\r\n\r\n"u8);
        Assert.Equal(SipParseStatus.KeepAlive, datagramPing.Status);
        Assert.True(datagramPing.IsPing);
        Assert.Equal(SipParseStatus.Error, SipMessageParser.ParseDatagram(ReadOnlySpan<byte>.Empty).Status);
    }

    [Fact]
    public void Stream_without_content_length_is_rejected()
    {
        var text = SipTestMessages.Invite("").Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal);
        var result = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(SipTestMessages.Bytes(text)));
        Assert.Equal(SipParseStatus.Error, result.Status);
        Assert.Equal(SipParseErrorReason.MissingContentLength, result.Error.Reason);
        Assert.Equal(400, result.Error.StatusCode);
    }

    [Fact]
    public void Datagram_with_short_body_is_rejected_and_extra_bytes_dropped()
    {
        var text = SipTestMessages.Invite();
        var truncated = SipMessageParser.ParseDatagram(text[..^5]);
        Assert.Equal(SipParseErrorReason.BodyTruncated, truncated.Error.Reason);
        Assert.Equal(400, truncated.Error.StatusCode);
        var extra = SipMessageParser.ParseDatagram(text + "garbage");
        Assert.Equal(SipTestMessages.Sdp, Encoding.ASCII.GetString(extra.Message!.Body.Span));
    }

    [Fact]
    public void Limits_are_enforced_before_the_message_completes()
    {
        var limits = new SipParseLimits { MaxHeaderCount = 10, MaxHeaderLineBytes = 200, MaxMessageBytes = 4000 };

        // Too many headers: rejected from a prefix that never reaches the blank line.
        var many = "OPTIONS sip:a@b SIP/2.0\r\n" + string.Concat(Enumerable.Repeat("X-A: 1\r\n", 11));
        var r1 = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(SipTestMessages.Bytes(many)), limits);
        Assert.Equal(SipParseErrorReason.TooManyHeaders, r1.Error.Reason);

        // Over-long header line, unterminated.
        var longLine = "OPTIONS sip:a@b SIP/2.0\r\nX-A: " + new string('a', 300);
        var r2 = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(SipTestMessages.Bytes(longLine)), limits);
        Assert.Equal(SipParseErrorReason.HeaderLineTooLong, r2.Error.Reason);

        // Folded continuation lines count towards the same field.
        var folded = "OPTIONS sip:a@b SIP/2.0\r\nX-A: a\r\n" + string.Concat(Enumerable.Repeat(" " + new string('b', 50) + "\r\n", 5));
        var r3 = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(SipTestMessages.Bytes(folded)), limits);
        Assert.Equal(SipParseErrorReason.HeaderLineTooLong, r3.Error.Reason);

        // Start line too long: 414.
        var longUri = "INVITE sip:" + new string('a', 300);
        var r4 = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(SipTestMessages.Bytes(longUri)), limits);
        Assert.Equal(414, r4.Error.StatusCode);

        // Body that would take the message past the limit: 513 before the body arrives.
        var big = "MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 5000\r\n\r\n";
        var r5 = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(SipTestMessages.Bytes(big)), limits);
        Assert.Equal(513, r5.Error.StatusCode);
    }

    [Theory]
    [InlineData("INVITE sip:a@b SIP/2.0\nVia: x\r\n\r\n", SipParseErrorReason.BadLineEnding)]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nVia x\r\n\r\n", SipParseErrorReason.MissingColon)]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nV(a: x\r\n\r\n", SipParseErrorReason.BadHeaderName)]
    [InlineData("INVITE sip:a@b SIP/2.0\r\n x\r\n\r\n", SipParseErrorReason.BadHeaderName)]
    [InlineData("INVITE sip:a@b SIP/3.0\r\n\r\n", SipParseErrorReason.UnsupportedVersion)]
    [InlineData("INVITE sip:a@b HTTP/1.1\r\n\r\n", SipParseErrorReason.BadStartLine)]
    [InlineData("INV(TE sip:a@b SIP/2.0\r\n\r\n", SipParseErrorReason.BadMethod)]
    [InlineData("SIP/2.0 20 OK\r\n\r\n", SipParseErrorReason.BadStatusCode)]
    [InlineData("SIP/2.0 700 Huh\r\n\r\n", SipParseErrorReason.BadStatusCode)]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nl: -1\r\n\r\n", SipParseErrorReason.BadContentLength)]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nl: 0\r\nContent-Length: 0\r\n\r\n", SipParseErrorReason.ConflictingContentLength)]
    public void Malformed_heads_are_errors_with_a_reason(string text, SipParseErrorReason reason)
    {
        var result = SipMessageParser.ParseDatagram(text);
        Assert.Equal(SipParseStatus.Error, result.Status);
        Assert.Equal(reason, result.Error.Reason);
        Assert.Null(result.Message);
    }

    [Fact]
    public void Fuzzed_inputs_only_ever_give_results()
    {
        var seeds = new[]
        {
            SipTestMessages.Bytes(SipTestMessages.Invite()),
            SipTestMessages.Bytes("SIP/2.0 180 Ringing\r\nv: SIP/2.0/UDP a;branch=z9hG4bK1\r\nf: <sip:a@b>;tag=1\r\nt: <sip:c@d>;tag=2\r\ni: x\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n"),
        };
        var random = new Random(4475);
        var limits = new SipParseLimits { MaxMessageBytes = 4096, MaxHeaderCount = 40, MaxHeaderLineBytes = 512 };
        for (var i = 0; i < 100_000; i++)
        {
            var input = Fuzz.Mutate(seeds[i % seeds.Length], random);
            var datagram = SipMessageParser.ParseDatagram(input, limits);
            var stream = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(input), limits);
            if (stream.Status == SipParseStatus.Complete)
            {
                Assert.InRange(stream.Consumed, 1, input.Length);
            }

            foreach (var message in new[] { datagram.Message, stream.Message })
            {
                if (message is null)
                {
                    continue;
                }

                // Validation may say no, but must never throw anything but a clean result.
                message.TryValidate(out _);
            }

            if (datagram.Message is { } accepted)
            {
                CheckAccepted(accepted, input);
            }
        }
    }

    /// <summary>
    /// Slow, independent re-check of an accepted message: every header name is a token, no value
    /// holds a line end, the body is a slice of the input, and writing it back then parsing it
    /// again gives the same headers and body.
    /// </summary>
    private static void CheckAccepted(SipMessage message, byte[] input)
    {
        for (var i = 0; i < message.HeaderCount; i++)
        {
            foreach (var b in message.HeaderNameBytes(i))
            {
                if (b <= ' ' || b >= 127 || "()<>@,;:\\\"/[]?={}"u8.Contains(b))
                {
                    Assert.Fail($"header name byte 0x{b:x2} is not a token character");
                }
            }

            if (message.HeaderValueBytes(i).IndexOfAny((byte)'\r', (byte)'\n') >= 0)
            {
                Assert.Fail("a header value holds a line end");
            }
        }

        Assert.True(input.AsSpan().IndexOf(message.Body.Span) >= 0 || message.Body.IsEmpty);
        var buffer = new ArrayBufferWriter<byte>();
        message.WriteTo(buffer);
        var again = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(buffer.WrittenMemory), new SipParseLimits { MaxMessageBytes = 1 << 20, MaxHeaderCount = 1000, MaxHeaderLineBytes = 1 << 20 });
        Assert.True(again.Status == SipParseStatus.Complete, again.ToString());
        var copy = again.Message!;
        Assert.Equal(message.Body.ToArray(), copy.Body.ToArray());
        var original = Enumerable.Range(0, message.HeaderCount).Where(i => message.HeaderKind(i) != SipHeaderKind.ContentLength)
            .Select(i => (message.HeaderKind(i), message.HeaderValue(i))).ToList();
        var reparsed = Enumerable.Range(0, copy.HeaderCount).Where(i => copy.HeaderKind(i) != SipHeaderKind.ContentLength)
            .Select(i => (copy.HeaderKind(i), copy.HeaderValue(i))).ToList();
        Assert.Equal(original, reparsed);
    }
}
