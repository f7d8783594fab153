using System.Collections.Concurrent;
using System.Globalization;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Auth;
using FaxPost.Telephony.Sip.Stack;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>
/// A small registrar on a UA's <see cref="SipUserAgent.RequestHandler"/>: challenges every REGISTER
/// without valid credentials (Digest, qop=auth, the given algorithm), checks the response with
/// <see cref="DigestAuthenticator.ComputeResponse"/>, and grants the asked lifetime (or its minimum).
/// </summary>
internal sealed class TestRegistrar
{
    private readonly string _user;
    private readonly string _password;
    private readonly string _algorithm;
    private int _nonces;

    public TestRegistrar(string user, string password, string algorithm = "MD5")
    {
        _user = user;
        _password = password;
        _algorithm = algorithm;
    }

    public const string Realm = "faxpost.test";

    public long MinExpires { get; init; } = 1;

    public ConcurrentQueue<SipRequest> Requests { get; } = new();

    public ConcurrentDictionary<string, (string Contact, long Expires)> Bindings { get; } = new();

    public int Count => Requests.Count;

    public Task HandleAsync(SipServerRequest incoming, CancellationToken ct)
    {
        var request = incoming.Request;
        if (request.Method != SipMethods.Register)
        {
            incoming.Respond(405);
            return Task.CompletedTask;
        }

        Requests.Enqueue(request);
        var expires = request.Expires ?? 3600;
        if (expires > 0 && expires < MinExpires)
        {
            var brief = incoming.CreateResponse(423);
            brief.Add(SipHeaderKind.MinExpires, MinExpires.ToString(CultureInfo.InvariantCulture));
            incoming.Respond(brief);
            return Task.CompletedTask;
        }

        if (!Authorized(request))
        {
            var challenge = incoming.CreateResponse(401);
            challenge.Add(SipHeaderKind.WwwAuthenticate,
                $"Digest realm=\"{Realm}\", nonce=\"n{Interlocked.Increment(ref _nonces)}x{Guid.NewGuid():N}\", qop=\"auth\", algorithm={_algorithm}, opaque=\"op\"");
            incoming.Respond(challenge);
            return Task.CompletedTask;
        }

        var contact = request.GetHeader(SipHeaderKind.Contact)!;
        var aor = request.To.Uri.ToString();
        if (expires == 0)
        {
            Bindings.TryRemove(aor, out _);
        }
        else
        {
            Bindings[aor] = (contact, expires);
        }

        var ok = incoming.CreateResponse(200, null, "reg1");
        if (expires > 0)
        {
            ok.Add(SipHeaderKind.Contact, $"{contact};expires={expires}");
        }

        incoming.Respond(ok);
        return Task.CompletedTask;
    }

    private bool Authorized(SipRequest request)
    {
        var header = request.Authorization.FirstOrDefault();
        if (header is null || !header.StartsWith("Digest ", StringComparison.Ordinal) ||
            !DigestParameters.TryParse(header.AsSpan(7), out var p))
        {
            return false;
        }

        if (!DigestChallenge.TryParseAlgorithm(p.GetValueOrDefault("algorithm") ?? "MD5", out var algorithm) || p.GetValueOrDefault("username") != _user)
        {
            return false;
        }

        var expected = DigestAuthenticator.ComputeResponse(algorithm, _user, Realm, _password, p["nonce"], request.Method, p["uri"],
            p.GetValueOrDefault("qop"), p.GetValueOrDefault("nc"), p.GetValueOrDefault("cnonce"));
        return string.Equals(expected, p.GetValueOrDefault("response"), StringComparison.Ordinal) && p.GetValueOrDefault("qop") == "auth";
    }
}
