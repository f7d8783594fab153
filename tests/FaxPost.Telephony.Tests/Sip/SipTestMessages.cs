using System.Text;

namespace FaxPost.Telephony.Tests.Sip;

internal static class SipTestMessages
{
    public const string Sdp =
        "v=0\r\n" +
        "o=- 1234 5678 IN IP4 192.0.2.10\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.0.2.10\r\n" +
        "t=0 0\r\n" +
        "m=audio 20000 RTP/AVP 0 8 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-16\r\n" +
        "a=sendrecv\r\n";

    public static string Invite(string body = Sdp) =>
        "INVITE sip:+4930123456@gw.example.net SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:+4930123456@gw.example.net>\r\n" +
        "From: \"Fax Line 1\" <sip:faxpost@example.net>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@192.0.2.10\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:faxpost@192.0.2.10:5060;transport=udp>\r\n" +
        "Record-Route: <sip:p2.example.net;lr>, <sip:p1.example.net;lr>\r\n" +
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n" +
        "Supported: timer, replaces\r\n" +
        "Session-Expires: 1800;refresher=uac\r\n" +
        "Min-SE: 90\r\n" +
        "P-Called-Party-ID: <sip:+4930123456@example.net>\r\n" +
        "X-Custom: one, two\r\n" +
        "Content-Type: application/sdp\r\n" +
        $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n" +
        "\r\n" + body;

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
