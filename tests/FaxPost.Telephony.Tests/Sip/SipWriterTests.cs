using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using FaxPost.Telephony.Sip;

namespace FaxPost.Telephony.Tests.Sip;

public sealed class SipWriterTests
{
    [Fact]
    public void Built_request_parses_back_with_computed_content_length()
    {
        var invite = SipOutgoingMessage.Request(SipMethods.Invite, SipUri.Create("sip", "+4930123456", "gw.example.net"))
            .Add(SipHeaderKind.Via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1;rport")
            .Add(SipHeaderKind.MaxForwards, "70")
            .Add(SipHeaderKind.From, "<sip:faxpost@example.net>;tag=abc")
            .Add(SipHeaderKind.To, "<sip:+4930123456@gw.example.net>")
            .Add(SipHeaderKind.CallId, "call-1@192.0.2.10")
            .Add(SipHeaderKind.CSeq, "1 INVITE")
            .Add(SipHeaderKind.ContentLength, "999")
            .Add("X-Fax-Job", "42")
            .WithBody(SipTestMessages.Sdp, "application/sdp");

        var bytes = invite.ToArray();
        var text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("INVITE sip:+4930123456@gw.example.net SIP/2.0\r\nVia: ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("999", text, StringComparison.Ordinal);
        Assert.Contains($"Content-Length: {SipTestMessages.Sdp.Length}\r\n\r\nv=0", text, StringComparison.Ordinal);

        var parsed = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(bytes));
        Assert.Equal(SipParseStatus.Complete, parsed.Status);
        var request = Assert.IsType<SipRequest>(parsed.Message);
        Assert.True(request.TryValidate(out var error), error.ToString());
        Assert.Equal("42", request.GetHeader("x-fax-job"));
        Assert.Equal(SipTestMessages.Sdp, Encoding.UTF8.GetString(request.Body.Span));
    }

    [Fact]
    public void Compact_form_uses_one_letter_names()
    {
        var message = SipOutgoingMessage.Request(SipMethods.Options, "sip:a@example.com")
            .Add(SipHeaderKind.Via, "SIP/2.0/TCP h;branch=z9hG4bK2")
            .Add(SipHeaderKind.CallId, "x")
            .Add(SipHeaderKind.CSeq, "2 OPTIONS");
        var text = Encoding.ASCII.GetString(message.ToArray(compact: true));
        Assert.Equal("OPTIONS sip:a@example.com SIP/2.0\r\nv: SIP/2.0/TCP h;branch=z9hG4bK2\r\ni: x\r\nCSeq: 2 OPTIONS\r\nl: 0\r\n\r\n", text);
    }

    [Fact]
    public void Response_copies_via_order_and_adds_to_tag()
    {
        var request = (SipRequest)SipMessageParser.ParseDatagram(SipTestMessages.Invite().Replace(
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n",
            "Via: SIP/2.0/UDP p1.example.net;branch=z9hG4bKp1\r\nv: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n",
            StringComparison.Ordinal)).Message!;

        var ok = SipOutgoingMessage.ResponseTo(request, 200, toTag: "uas1")
            .Add(SipHeaderKind.Contact, "<sip:faxpost@192.0.2.20>");
        var response = Assert.IsType<SipResponse>(SipMessageParser.ParseDatagram(ok.ToArray()).Message);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("OK", response.ReasonPhrase);
        Assert.Equal(["p1.example.net", "192.0.2.10"], response.Vias.Select(v => v.Host));
        Assert.Equal("uas1", response.To.Tag);
        Assert.Equal(request.From.Tag, response.From.Tag);
        Assert.Equal(request.CSeq, response.CSeq);
        Assert.Equal(2, response.RecordRoutes.Count);
        Assert.True(response.TryValidate(out _));

        var trying = SipMessageParser.ParseDatagram(SipOutgoingMessage.ResponseTo(request, 100, toTag: "uas1").ToArray()).Message!;
        Assert.Null(trying.To.Tag);
        Assert.Empty(trying.RecordRoutes);
    }

    [Fact]
    public void Response_marks_the_top_via_with_received_and_rport()
    {
        var request = (SipRequest)SipMessageParser.ParseDatagram(SipTestMessages.Invite()).Message!;
        var response = SipMessageParser.ParseDatagram(
            SipOutgoingMessage.ResponseTo(request, 100, receivedFrom: ("203.0.113.9", 40123)).ToArray()).Message!;
        var via = Assert.Single(response.Vias);
        Assert.Equal("203.0.113.9", via.Received);
        Assert.Equal(40123, via.RPort);
        Assert.Equal("z9hG4bK776asdhds", via.Branch);
        Assert.Equal(("203.0.113.9", 40123), via.ResponseDestination());
    }

    [Fact]
    public void Cancel_matches_the_invite_it_cancels()
    {
        var invite = SipOutgoingMessage.Request(SipMethods.Invite, "sip:+49301@gw.example.net")
            .Add(SipHeaderKind.Via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKinv;rport")
            .Add(SipHeaderKind.Route, "<sip:p1.example.net;lr>")
            .Add(SipHeaderKind.From, "<sip:fax@example.net>;tag=a")
            .Add(SipHeaderKind.To, "<sip:+49301@gw.example.net>")
            .Add(SipHeaderKind.CallId, "cx")
            .Add(SipHeaderKind.CSeq, "4 INVITE");
        var cancel = (SipRequest)SipMessageParser.ParseDatagram(SipOutgoingMessage.CancelFor(invite).ToArray()).Message!;
        Assert.Equal("CANCEL", cancel.Method);
        Assert.Equal(new SipCSeq(4, "CANCEL"), cancel.CSeq);
        Assert.Equal("sip:+49301@gw.example.net", cancel.RequestUri.ToString());
        Assert.True(cancel.TryValidate(out _));
        var parsedInvite = (SipRequest)SipMessageParser.ParseDatagram(invite.ToArray()).Message!;
        Assert.True(FaxPost.Telephony.Sip.Transactions.SipTransactionKey.TryForRequest(parsedInvite, out var inviteKey));
        Assert.True(FaxPost.Telephony.Sip.Transactions.SipTransactionKey.TryForRequest(cancel, out var cancelKey));
        Assert.NotEqual(inviteKey, cancelKey);
        Assert.Equal(inviteKey, cancelKey.CancelledInvite);
    }

    [Fact]
    public void Header_injection_is_refused()
    {
        var message = SipOutgoingMessage.Request(SipMethods.Options, "sip:a@example.com");
        Assert.Throws<ArgumentException>(() => message.Add("Subject", "hi\r\nVia: evil"));
        Assert.Throws<ArgumentException>(() => message.Add("Bad Name", "x"));
        Assert.Throws<ArgumentException>(() => SipOutgoingMessage.Request("INVITE", "<sip:a@b>"));
    }

    [Theory]
    [MemberData(nameof(Rfc4475TortureTests.ValidMessages), MemberType = typeof(Rfc4475TortureTests))]
    public void Valid_torture_messages_survive_a_write_and_reparse(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder(), name + ".dat"));
        var original = SipMessageParser.ParseDatagram(bytes).Message!;
        foreach (var compact in new[] { false, true })
        {
            var buffer = new ArrayBufferWriter<byte>();
            original.WriteTo(buffer, compact);
            var again = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(buffer.WrittenMemory));
            Assert.True(again.Status == SipParseStatus.Complete, $"{name} compact={compact}: {again}");
            var copy = again.Message!;
            Assert.Equal(original.HeaderCount, copy.HeaderCount);
            Assert.Equal(original.CallId, copy.CallId);
            Assert.Equal(original.CSeq, copy.CSeq);
            Assert.Equal(original.Vias.Select(v => v.ToString()), copy.Vias.Select(v => v.ToString()));
            Assert.Equal(original.From.ToString(), copy.From.ToString());
            Assert.Equal(original.Contacts.Select(c => c.ToString()), copy.Contacts.Select(c => c.ToString()));
            Assert.Equal(original.Body.ToArray(), copy.Body.ToArray());
            // Same headers in the same order; only Content-Length moves to the end (it is recomputed).
            Assert.Equal(Headers(original), Headers(copy));
        }
    }

    private static List<(SipHeaderKind, string)> Headers(SipMessage m) =>
        Enumerable.Range(0, m.HeaderCount)
            .Where(i => m.HeaderKind(i) != SipHeaderKind.ContentLength)
            .Select(i => (m.HeaderKind(i), m.HeaderValue(i)))
            .ToList();

    private static string Folder([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "..", "TestData", "rfc4475");
}
