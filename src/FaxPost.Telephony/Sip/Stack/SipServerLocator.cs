using System.Net;
using System.Net.Sockets;
using FaxPost.Telephony.Sip.Dns;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>One place to send a request: transport and address, and the name a TLS server must prove.</summary>
public readonly record struct SipTarget(SipRemote Remote, string? ServerName);

/// <summary>The ordered targets for a URI (RFC 3263 §4) and how long the list stays true.</summary>
public sealed record SipTargetList(IReadOnlyList<SipTarget> Targets, TimeSpan Ttl);

/// <summary>
/// Locating SIP servers (RFC 3263 §4): for a name without a port, NAPTR (SIP+D2U/D2T/D2S, by order and
/// preference, transports we run) → SRV (priority, then weighted random, RFC 2782) → A/AAAA; without
/// NAPTR, SRV for our transports (the one we would use first); without SRV, A/AAAA on 5060/5061. A name
/// with a port, or an address, skips NAPTR and SRV (§4.2). The list is ordered for failover (§4.3).
/// </summary>
public sealed class SipServerLocator
{
    private static readonly TimeSpan LiteralTtl = TimeSpan.FromDays(1);
    private static readonly TimeSpan SystemTtl = TimeSpan.FromSeconds(60);
    private readonly IDnsResolver? _dns;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _system;
    private readonly Random _random;

    /// <param name="dns">The resolver for NAPTR/SRV/A/AAAA; null uses the system's A/AAAA lookup only.</param>
    /// <param name="system">Name to addresses when DNS has none (the hosts file); default the system's lookup.</param>
    /// <param name="random">Weighted SRV selection (tests pass a seeded one).</param>
    public SipServerLocator(IDnsResolver? dns, Func<string, CancellationToken, Task<IPAddress[]>>? system = null, Random? random = null)
    {
        _dns = dns;
        _system = system ?? ((name, ct) => System.Net.Dns.GetHostAddressesAsync(name, ct));
        _random = random ?? Random.Shared;
    }

    /// <summary>
    /// When no nameserver answers, throw <see cref="DnsResolveException"/> instead of falling back to the
    /// system's A/AAAA lookup (for callers that would rather keep what they had, like the inbound guard).
    /// </summary>
    public bool ThrowWhenDnsFails { get; init; }

    /// <summary>The targets for <paramref name="uri"/>; an empty list when the name has no usable address.</summary>
    /// <param name="transports">The transports we run (others are never chosen unless nothing else is left).</param>
    /// <param name="defaultTransport">The transport for a URI that names none and has no NAPTR.</param>
    public async Task<SipTargetList> LocateAsync(SipUri uri, IReadOnlyCollection<SipTransportKind> transports, SipTransportKind defaultTransport, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(transports);
        var host = uri.Host.Trim('[', ']');
        SipTransportKind? named = uri.Scheme == "sips" ? SipTransportKind.Tls
            : uri.Transport is { } t ? SipRemote.ParseTransport(t)
            : null;
        var chosen = Usable(named ?? defaultTransport, transports);
        if (IPAddress.TryParse(host, out var literal))
        {
            // RFC 3263 §4.2: an address is used as it is.
            return new SipTargetList([new SipTarget(new SipRemote(chosen, new IPEndPoint(literal, uri.Port ?? DefaultPort(chosen))), null)], LiteralTtl);
        }

        var ttl = TimeSpan.MaxValue;
        var targets = new List<SipTarget>();
        if (uri.Port is int port)
        {
            // RFC 3263 §4.2: an explicit port means A/AAAA only.
            ttl = await AddAddressesAsync(targets, host, port, chosen, host, ct).ConfigureAwait(false);
            return new SipTargetList(targets, ttl);
        }

        if (_dns is not null)
        {
            try
            {
                var found = await LocateByRecordsAsync(targets, host, named, chosen, transports, ct).ConfigureAwait(false);
                if (targets.Count > 0)
                {
                    return new SipTargetList(targets, found);
                }

                ttl = found;
            }
            catch (DnsResolveException) when (!ThrowWhenDnsFails)
            {
                // No nameserver answered: the system's lookup below may still know the name.
                targets.Clear();
            }
        }

        // §4.2: no SRV — the name's addresses on the transport's default port.
        ttl = Min(ttl, await AddAddressesAsync(targets, host, DefaultPort(chosen), chosen, host, ct).ConfigureAwait(false));
        return new SipTargetList(targets, ttl);
    }

    private async Task<TimeSpan> LocateByRecordsAsync(List<SipTarget> targets, string host, SipTransportKind? named, SipTransportKind chosen, IReadOnlyCollection<SipTransportKind> transports, CancellationToken ct)
    {
        var ttl = TimeSpan.MaxValue;

        // §4.1: NAPTR only when the URI does not already fix the transport.
        if (named is null)
        {
            var naptr = await _dns!.QueryAsync(host, DnsRecordType.Naptr, ct).ConfigureAwait(false);
            ttl = Min(ttl, naptr.Ttl);
            foreach (var (transport, replacement) in OrderNaptr(naptr.Records, transports))
            {
                ttl = Min(ttl, await AddSrvAsync(targets, replacement, transport, host, ct).ConfigureAwait(false));
            }

            if (targets.Count > 0)
            {
                return ttl;
            }
        }

        // §4.1: no NAPTR — SRV for the transport we would use first, then our others.
        var order = named is { } n ? new[] { n } : new[] { chosen }.Concat(transports.Where(k => k != chosen && k != SipTransportKind.Tls)).ToArray();
        foreach (var transport in order)
        {
            ttl = Min(ttl, await AddSrvAsync(targets, SrvName(transport, host), transport, host, ct).ConfigureAwait(false));
        }

        return ttl;
    }

    /// <summary>The NAPTR records for SIP we can use (RFC 3263 §4.1): flag "s", a service we run, by order then preference.</summary>
    public static IReadOnlyList<(SipTransportKind Transport, string Replacement)> OrderNaptr(IEnumerable<DnsRecord> records, IReadOnlyCollection<SipTransportKind> transports)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.OfType<DnsNaptrRecord>()
            .Where(r => string.Equals(r.Flags, "s", StringComparison.OrdinalIgnoreCase) && r.Replacement != ".")
            .Select(r => (Record: r, Transport: ServiceTransport(r.Services)))
            .Where(x => x.Transport is { } k && transports.Contains(k))
            .OrderBy(x => x.Record.Order).ThenBy(x => x.Record.Preference)
            .Select(x => (x.Transport!.Value, x.Record.Replacement))
            .ToList();
    }

    /// <summary>
    /// RFC 2782's order: by priority; within one priority, records picked at random in proportion to
    /// their weight (zero-weight ones have a small chance, and go first as often as the sum allows).
    /// A single record with target "." means the service is not offered.
    /// </summary>
    public static IReadOnlyList<DnsSrvRecord> OrderSrv(IEnumerable<DnsSrvRecord> records, Random random)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(random);
        var all = records.ToList();
        if (all.Count == 1 && all[0].Target == ".")
        {
            return [];
        }

        var result = new List<DnsSrvRecord>(all.Count);
        foreach (var group in all.Where(r => r.Target != ".").GroupBy(r => r.Priority).OrderBy(g => g.Key))
        {
            // RFC 2782: zero weights first, then a running sum; pick the first whose sum reaches a random 0..total.
            var left = group.OrderBy(r => r.Weight == 0 ? 0 : 1).ToList();
            while (left.Count > 0)
            {
                var total = left.Sum(r => (long)r.Weight);
                var pick = random.NextInt64(0, total + 1);
                long running = 0;
                var index = left.Count - 1;
                for (var i = 0; i < left.Count; i++)
                {
                    running += left[i].Weight;
                    if (running >= pick)
                    {
                        index = i;
                        break;
                    }
                }

                result.Add(left[index]);
                left.RemoveAt(index);
            }
        }

        return result;
    }

    internal static string SrvName(SipTransportKind transport, string host) => transport switch
    {
        SipTransportKind.Tls => "_sips._tcp." + host,
        SipTransportKind.Tcp => "_sip._tcp." + host,
        _ => "_sip._udp." + host,
    };

    internal static int DefaultPort(SipTransportKind transport) => transport == SipTransportKind.Tls ? 5061 : 5060;

    private static SipTransportKind Usable(SipTransportKind wanted, IReadOnlyCollection<SipTransportKind> transports) =>
        transports.Contains(wanted) || transports.Count == 0 ? wanted : transports.First();

    private static SipTransportKind? ServiceTransport(string services) => services.ToUpperInvariant() switch
    {
        "SIP+D2U" => SipTransportKind.Udp,
        "SIP+D2T" => SipTransportKind.Tcp,
        "SIPS+D2T" or "SIP+D2S" => SipTransportKind.Tls,
        _ => null,
    };

    private async Task<TimeSpan> AddSrvAsync(List<SipTarget> targets, string name, SipTransportKind transport, string domain, CancellationToken ct)
    {
        var answer = await _dns!.QueryAsync(name, DnsRecordType.Srv, ct).ConfigureAwait(false);
        var ttl = answer.Ttl;
        foreach (var srv in OrderSrv(answer.Records.OfType<DnsSrvRecord>(), _random))
        {
            ttl = Min(ttl, await AddAddressesAsync(targets, srv.Target, srv.Port, transport, domain, ct).ConfigureAwait(false));
        }

        return ttl;
    }

    /// <summary>A and AAAA of <paramref name="host"/> (IPv4 first), each once per transport and port.</summary>
    private async Task<TimeSpan> AddAddressesAsync(List<SipTarget> targets, string host, int port, SipTransportKind transport, string domain, CancellationToken ct)
    {
        var ttl = TimeSpan.MaxValue;
        var addresses = new List<IPAddress>();
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 6761 §6.3: localhost names are loopback, never asked of DNS.
            addresses.Add(IPAddress.Loopback);
            ttl = LiteralTtl;
        }
        else if (_dns is not null)
        {
            var negative = TimeSpan.MaxValue;
            foreach (var type in new[] { DnsRecordType.A, DnsRecordType.Aaaa })
            {
                try
                {
                    var answer = await _dns.QueryAsync(host, type, ct).ConfigureAwait(false);
                    var found = answer.Records.OfType<DnsAddressRecord>().Select(r => r.Address).ToList();
                    addresses.AddRange(found);
                    if (found.Count > 0)
                    {
                        ttl = Min(ttl, answer.Ttl);
                    }
                    else
                    {
                        negative = Min(negative, answer.Ttl);
                    }
                }
                catch (DnsResolveException)
                {
                    // Some servers never answer AAAA; a dead DNS leaves the system's lookup below.
                }
            }

            // A name with only IPv4 (or only IPv6) is as good as its positive answer's TTL.
            ttl = addresses.Count > 0 ? ttl : Min(ttl, negative);
        }

        if (addresses.Count == 0)
        {
            // Names only the hosts file knows (or no DNS configured).
            try
            {
                addresses.AddRange(await _system(host, ct).ConfigureAwait(false));
                ttl = Min(ttl, SystemTtl);
            }
            catch (SocketException)
            {
            }
        }

        foreach (var address in addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1))
        {
            var target = new SipTarget(new SipRemote(transport, new IPEndPoint(address, port)), transport == SipTransportKind.Tls ? domain : null);
            if (!targets.Contains(target))
            {
                targets.Add(target);
            }
        }

        return ttl == TimeSpan.MaxValue ? SystemTtl : ttl;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
