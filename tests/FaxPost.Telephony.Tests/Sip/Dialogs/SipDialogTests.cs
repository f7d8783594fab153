using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Dialogs;

namespace FaxPost.Telephony.Tests.Sip.Dialogs;

public sealed class SipDialogTests
{
    private static readonly SipVia Via = new("UDP", "192.0.2.10", 5060, new SipParameters().Set("branch", "z9hG4bKnew"));

    private static SipOutgoingMessage OurInvite() =>
        SipOutgoingMessage.Request(SipMethods.Invite, "sip:+4930123456@gw.example.net")
            .Add(SipHeaderKind.Via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1")
            .Add(SipHeaderKind.From, "<sip:fax@example.net>;tag=ours")
            .Add(SipHeaderKind.To, "<sip:+4930123456@gw.example.net>")
            .Add(SipHeaderKind.CallId, "dlg1")
            .Add(SipHeaderKind.CSeq, "10 INVITE")
            .Add(SipHeaderKind.Contact, "<sip:fax@192.0.2.10:5060>");

    private static SipResponse Answer(int status, string recordRoute, string contact = "<sip:gw@198.51.100.5:5060>", string method = "INVITE", uint cseq = 10) =>
        (SipResponse)SipMessageParser.ParseDatagram(
            $"SIP/2.0 {status} X\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1\r\n{recordRoute}" +
            $"From: <sip:fax@example.net>;tag=ours\r\nTo: <sip:+4930123456@gw.example.net>;tag=theirs\r\nCall-ID: dlg1\r\n" +
            $"CSeq: {cseq} {method}\r\nContact: {contact}\r\nContent-Length: 0\r\n\r\n").Message!;

    private static SipRequest Parse(SipOutgoingMessage message) => (SipRequest)SipMessageParser.ParseDatagram(message.ToArray()).Message!;

    [Fact]
    public void Uac_dialog_with_loose_routes()
    {
        var dialog = SipDialog.CreateAsUac(OurInvite(), Answer(180, "Record-Route: <sip:p2.example.net;lr>, <sip:p1.example.net;lr>\r\n"));
        Assert.Equal(SipDialogState.Early, dialog.State);
        Assert.Equal(new SipDialogId("dlg1", "ours", "theirs"), dialog.Id);
        Assert.Equal(["p1.example.net", "p2.example.net"], dialog.RouteSet.Select(r => r.Uri.Host)); // reversed (§12.1.2)
        dialog.OnResponse(Answer(200, "Record-Route: <sip:p2.example.net;lr>, <sip:p1.example.net;lr>\r\n"));
        Assert.Equal(SipDialogState.Confirmed, dialog.State);

        var ack = Parse(dialog.CreateAck(10, Via));
        Assert.Equal(new SipCSeq(10, "ACK"), ack.CSeq);
        Assert.Equal("sip:gw@198.51.100.5:5060", ack.RequestUri.ToString());

        var bye = Parse(dialog.CreateRequest(SipMethods.Bye, Via));
        Assert.Equal("BYE", bye.Method);
        Assert.Equal("sip:gw@198.51.100.5:5060", bye.RequestUri.ToString());
        Assert.Equal(["p1.example.net", "p2.example.net"], bye.Routes.Select(r => r.Uri.Host));
        Assert.Equal(new SipCSeq(11, "BYE"), bye.CSeq);
        Assert.Equal("ours", bye.From.Tag);
        Assert.Equal("theirs", bye.To.Tag);
        Assert.Equal("dlg1", bye.CallId);
        Assert.True(bye.TryValidate(out _));
        Assert.Empty(bye.Contacts);
    }

    [Fact]
    public void Strict_router_becomes_the_request_uri()
    {
        var dialog = SipDialog.CreateAsUac(OurInvite(), Answer(200, "Record-Route: <sip:strict.example.net>\r\n"));
        var bye = Parse(dialog.CreateRequest(SipMethods.Bye, Via));
        Assert.Equal("sip:strict.example.net", bye.RequestUri.ToString());
        Assert.Equal("sip:gw@198.51.100.5:5060", Assert.Single(bye.Routes).Uri.ToString());
    }

    [Fact]
    public void Reinvite_we_send_refreshes_the_target_from_the_2xx()
    {
        var dialog = SipDialog.CreateAsUac(OurInvite(), Answer(200, ""));
        var reinvite = Parse(dialog.CreateRequest(SipMethods.Invite, Via));
        Assert.Equal(new SipCSeq(11, "INVITE"), reinvite.CSeq);
        Assert.Equal("192.0.2.10", Assert.Single(reinvite.Contacts).Uri.Host);
        dialog.OnResponse(Answer(200, "", "<sip:gw@198.51.100.99:5070>", cseq: 11));
        Assert.Equal("sip:gw@198.51.100.99:5070", dialog.RemoteTarget.ToString());
        Assert.Empty(dialog.RouteSet); // the route set is fixed at creation (§12.2.1.2)
    }

    [Fact]
    public void Uas_dialog_from_incoming_invite()
    {
        var invite = (SipRequest)SipMessageParser.ParseDatagram(SipTestMessages.Invite()).Message!;
        var dialog = SipDialog.CreateAsUas(invite, "uas-tag", "<sip:faxpost@192.0.2.20>");
        Assert.Equal(new SipDialogId("a84b4c76e66710@192.0.2.10", "uas-tag", "1928301774"), dialog.Id);
        Assert.Equal(["p2.example.net", "p1.example.net"], dialog.RouteSet.Select(r => r.Uri.Host)); // in order (§12.1.1)
        Assert.Equal(314159u, dialog.RemoteCSeq);

        var bye = Parse(dialog.CreateRequest(SipMethods.Bye, Via));
        Assert.Equal("sip:faxpost@192.0.2.10:5060;transport=udp", bye.RequestUri.ToString());
        Assert.Equal("uas-tag", bye.From.Tag);
        Assert.Equal("1928301774", bye.To.Tag);
        Assert.Equal("Fax Line 1", bye.To.DisplayName);
        Assert.Equal(new SipCSeq(1, "BYE"), bye.CSeq);
        Assert.True(SipDialogId.TryForIncomingRequest(
            (SipRequest)SipMessageParser.ParseDatagram(
                "BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP x;branch=z9hG4bKq\r\nFrom: <sip:faxpost@example.net>;tag=1928301774\r\n" +
                "To: <sip:+4930123456@gw.example.net>;tag=uas-tag\r\nCall-ID: a84b4c76e66710@192.0.2.10\r\nCSeq: 314160 BYE\r\nl: 0\r\n\r\n").Message!,
            out var id));
        Assert.Equal(dialog.Id, id);
    }

    [Fact]
    public void Incoming_requests_must_grow_cseq_and_may_refresh_the_target()
    {
        var invite = (SipRequest)SipMessageParser.ParseDatagram(SipTestMessages.Invite()).Message!;
        var dialog = SipDialog.CreateAsUas(invite, "u", null);
        var reinvite = InDialog("INVITE", 314160, "<sip:faxpost@192.0.2.99:5062>");
        Assert.Equal(0, dialog.AcceptRequest(reinvite));
        Assert.Equal("192.0.2.99", dialog.RemoteTarget.Host);
        Assert.Equal(500, dialog.AcceptRequest(InDialog("INFO", 314160, null)));
        Assert.Equal(0, dialog.AcceptRequest(InDialog("ACK", 314160, null)));
        Assert.Equal(0, dialog.AcceptRequest(InDialog("BYE", 314161, null)));
        Assert.Equal(SipDialogState.Terminated, dialog.State);
    }

    [Fact]
    public void Fresh_identifiers()
    {
        Assert.StartsWith("z9hG4bK", SipIdentifiers.NewBranch(), StringComparison.Ordinal);
        Assert.NotEqual(SipIdentifiers.NewTag(), SipIdentifiers.NewTag());
        Assert.EndsWith("@host", SipIdentifiers.NewCallId("host"), StringComparison.Ordinal);
    }

    private static SipRequest InDialog(string method, uint cseq, string? contact) =>
        (SipRequest)SipMessageParser.ParseDatagram(
            $"{method} sip:faxpost@192.0.2.20 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK{cseq}{method}\r\n" +
            "From: \"Fax Line 1\" <sip:faxpost@example.net>;tag=1928301774\r\nTo: <sip:+4930123456@gw.example.net>;tag=u\r\n" +
            $"Call-ID: a84b4c76e66710@192.0.2.10\r\nCSeq: {cseq} {method}\r\n" + (contact is null ? "" : $"Contact: {contact}\r\n") + "l: 0\r\n\r\n").Message!;
}
