using System.Text;
using FaxPost.Core.Numbering;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Tests.Trunks;

/// <summary>Settings and messages shared by the trunk tests: an organisation in Munich (+49 89 1234, 3-digit extensions).</summary>
internal static class TrunkTestData
{
    public static OrganisationNumbering Numbering() => new()
    {
        CountryCode = "49",
        AreaCode = "89",
        BaseNumber = "1234",
        AccessCode = "0",
        MaxExtensionLength = 3,
    };

    public static SipTrunkOptions Trunk(string name = "carrier", Action<SipTrunkOptions>? change = null)
    {
        var t = new SipTrunkOptions
        {
            Name = name,
            Registrar = "sip.carrier.example:5060",
            Username = "4989123400",
            Password = "s3cret",
            FromNumber = "+49891234",
            Channels = 4,
            InboundAddresses = ["192.0.2.0/24"],
        };
        change?.Invoke(t);
        return t;
    }

    public static SipOptions Options(Action<SipOptions>? change = null)
    {
        var o = new SipOptions
        {
            Listen = [new SipListenOptions { Transport = SipTrunkTransport.Udp, Address = "0.0.0.0", Port = 5060 }],
            Trunks = [Trunk()],
        };
        change?.Invoke(o);
        return o;
    }

    public static SipRequest Invite(string requestUri, params string[] extraHeaders)
    {
        var text = new StringBuilder()
            .Append("INVITE ").Append(requestUri).Append(" SIP/2.0\r\n")
            .Append("Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\r\n")
            .Append("Max-Forwards: 70\r\n")
            .Append("Call-ID: a84b4c76e66710@192.0.2.10\r\n")
            .Append("CSeq: 1 INVITE\r\n")
            .Append("Contact: <sip:gw@192.0.2.10:5060>\r\n");
        var hasTo = false;
        var hasFrom = false;
        foreach (var h in extraHeaders)
        {
            hasTo |= h.StartsWith("To:", StringComparison.OrdinalIgnoreCase);
            hasFrom |= h.StartsWith("From:", StringComparison.OrdinalIgnoreCase);
            text.Append(h).Append("\r\n");
        }

        if (!hasTo)
        {
            text.Append("To: <").Append(requestUri).Append(">\r\n");
        }

        if (!hasFrom)
        {
            text.Append("From: <sip:+4930555666@sip.carrier.example>;tag=1928301774\r\n");
        }

        text.Append("Content-Length: 0\r\n\r\n");
        var result = SipMessageParser.ParseDatagram(text.ToString());
        Assert.Equal(SipParseStatus.Complete, result.Status);
        return (SipRequest)result.Message!;
    }
}
