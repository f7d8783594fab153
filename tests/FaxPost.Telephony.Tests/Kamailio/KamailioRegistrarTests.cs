using System.Net;
using System.Net.Sockets;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Auth;

namespace FaxPost.Telephony.Tests.Kamailio;

/// <summary>
/// Our SIP message writer, parser and digest answer against a real registrar (Kamailio with digest
/// authentication): a REGISTER is challenged, answered and bound; a wrong password is refused again
/// and Kamailio logs it.
/// </summary>
public sealed class KamailioRegistrarTests
{
    private static readonly Dictionary<string, string> Users = new() { ["faxa"] = "alpha-secret" };

    private static SipOutgoingMessage Register(KamailioFixture k, IPEndPoint local, int cseq, string? authorization)
    {
        var m = SipOutgoingMessage.Request(SipMethods.Register, $"sip:{k.Domain}:{k.Port}")
            .Add(SipHeaderKind.Via, $"SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bK-reg-{cseq}-{Guid.NewGuid():N};rport")
            .Add(SipHeaderKind.MaxForwards, "70")
            .Add(SipHeaderKind.From, $"<sip:faxa@{k.Domain}>;tag=regtag")
            .Add(SipHeaderKind.To, $"<sip:faxa@{k.Domain}>")
            .Add(SipHeaderKind.CallId, "reg-call-" + local.Port)
            .Add(SipHeaderKind.CSeq, $"{cseq} REGISTER")
            .Add(SipHeaderKind.Contact, $"<sip:faxa@127.0.0.1:{local.Port}>")
            .Add(SipHeaderKind.Expires, "120");
        if (authorization is not null)
        {
            m.Add(SipHeaderKind.Authorization, authorization);
        }

        return m;
    }

    private static async Task<SipResponse> ExchangeAsync(UdpClient udp, KamailioFixture k, SipOutgoingMessage request)
    {
        await udp.SendAsync(request.ToArray(), k.EndPoint);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var datagram = await udp.ReceiveAsync(timeout.Token);
            var parsed = SipMessageParser.ParseDatagram(datagram.Buffer);
            if (parsed.Message is SipResponse { IsProvisional: false } response)
            {
                return response;
            }
        }
    }

    private static async Task<SipResponse> RegisterAsync(KamailioFixture k, string password)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)udp.Client.LocalEndPoint!;
        var first = await ExchangeAsync(udp, k, Register(k, local, 1, null));
        Assert.Equal(401, first.StatusCode);
        var challenge = DigestChallenge.SelectPreferred(first.WwwAuthenticate);
        Assert.NotNull(challenge);
        var authorization = new DigestAuthenticator().CreateAuthorization(challenge, new SipCredentials("faxa", password), SipMethods.Register, $"sip:{k.Domain}:{k.Port}");
        return await ExchangeAsync(udp, k, Register(k, local, 2, authorization));
    }

    [Fact]
    public async Task A_challenged_register_with_the_right_password_is_bound()
    {
        await using var k = await KamailioFixture.StartAsync(Users);

        var response = await RegisterAsync(k, "alpha-secret");

        Assert.Equal(200, response.StatusCode);
        Assert.Contains(response.Contacts, c => c.Uri.User == "faxa" && c.Uri.Host == "127.0.0.1");
        Assert.Equal(1, await k.WaitForAsync("registered faxa"));
    }

    [Fact]
    public async Task A_wrong_password_is_challenged_again_and_logged()
    {
        await using var k = await KamailioFixture.StartAsync(Users);

        var response = await RegisterAsync(k, "wrong");

        Assert.Equal(401, response.StatusCode);
        Assert.Equal(1, await k.WaitForAsync("auth failed for faxa"));
        Assert.Equal(0, k.Count("registered faxa"));
    }
}
