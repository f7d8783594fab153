using System.Net;
using FaxPost.Telephony.Sip;

namespace FaxPost.Telephony.Trunks;

public enum InboundVerdictKind
{
    /// <summary>From one of our trunks: go on (answer, route).</summary>
    Accept = 1,

    /// <summary>Refuse with <see cref="InboundVerdict.Status"/> (403: not one of our trunks).</summary>
    Reject = 2,

    /// <summary>Say nothing: the source is over its rate (answering a flood only doubles it).</summary>
    Drop = 3,
}

/// <summary>What to do with a request from outside any dialog.</summary>
/// <param name="Log">Whether this verdict is worth a log line (every 403; the first drop of a flood).</param>
public readonly record struct InboundVerdict(InboundVerdictKind Kind, SipTrunkOptions? Trunk, int Status, string Reason, bool Log)
{
    public bool Accepted => Kind == InboundVerdictKind.Accept;
}

/// <summary>
/// The door of the SIP side (seed 002: the fax server must not become a door into the phone
/// network): requests outside a dialog are accepted only from a configured trunk's addresses
/// (its InboundAddresses plus the resolved registrar and proxy), each source is rate limited, and
/// everything else is refused with 403 and logged. Accepting an INVITE only ever leads to
/// receiving a fax; nothing on the inbound side can place a call. Pure: time is an argument.
/// </summary>
public sealed class InboundCallGuard
{
    private const int MaxRemembered = 4096;
    private readonly List<(AddressRange Range, SipTrunkOptions Trunk)> _allowed = [];
    private readonly SourceRateLimiter _limiter;
    private readonly HashSet<IPAddress> _dropping = [];

    /// <param name="trunks">Each trunk with the addresses its requests may come from (settings plus DNS answers for registrar and proxy).</param>
    public InboundCallGuard(IEnumerable<(SipTrunkOptions Trunk, IEnumerable<AddressRange> Sources)> trunks, SipRateLimitOptions rateLimit)
    {
        ReplaceSources(trunks);
        _limiter = new SourceRateLimiter(rateLimit);
    }

    /// <summary>Takes new trunk addresses (DNS answers whose TTL ran out); the rate limits carry on.</summary>
    public void ReplaceSources(IEnumerable<(SipTrunkOptions Trunk, IEnumerable<AddressRange> Sources)> trunks)
    {
        ArgumentNullException.ThrowIfNull(trunks);
        _allowed.Clear();
        foreach (var (trunk, sources) in trunks)
        {
            foreach (var range in sources)
            {
                _allowed.Add((range, trunk));
            }
        }

        // The most specific range wins when trunks share a carrier's network.
        _allowed.Sort(static (a, b) => b.Range.PrefixLength.CompareTo(a.Range.PrefixLength));
    }

    /// <summary>The trunk whose addresses include <paramref name="source"/>, or null.</summary>
    public SipTrunkOptions? TrunkOf(IPAddress source)
    {
        foreach (var (range, trunk) in _allowed)
        {
            if (range.Contains(source))
            {
                return trunk;
            }
        }

        return null;
    }

    /// <summary>Checks a request that belongs to no dialog or transaction we know.</summary>
    public InboundVerdict Check(SipRequest request, IPAddress source, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        if (source.IsIPv4MappedToIPv6)
        {
            source = source.MapToIPv4();
        }

        if (!_limiter.TryAcquire(source, now))
        {
            var first = _dropping.Count < MaxRemembered && _dropping.Add(source);
            return new InboundVerdict(InboundVerdictKind.Drop, null, 0, $"{source} sends more than the rate limit allows", first);
        }

        _dropping.Remove(source);
        var trunk = TrunkOf(source);
        if (trunk is null)
        {
            // RFC 3261 §17.1.1.3: an ACK is never answered, so a stranger's ACK is only dropped (and logged).
            var kind = request.Method == SipMethods.Ack ? InboundVerdictKind.Drop : InboundVerdictKind.Reject;
            return new InboundVerdict(kind, null, kind == InboundVerdictKind.Reject ? 403 : 0, $"{request.Method} from {source}, which is not one of our trunks", true);
        }

        return new InboundVerdict(InboundVerdictKind.Accept, trunk, 0, $"{request.Method} from trunk {trunk.Name}", false);
    }
}
