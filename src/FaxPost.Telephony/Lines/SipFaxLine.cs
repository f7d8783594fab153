using System.Net;
using System.Security.Cryptography.X509Certificates;
using FaxPost.Core.Lines;
using FaxPost.Telephony.Sip.Auth;
using FaxPost.Telephony.Sip.Dns;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.T38;
using FaxPost.Telephony.Trunks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaxPost.Telephony.Lines;

/// <summary>
/// The post office's fax line over SIP trunks (issue 5): one SIP user agent, every configured trunk
/// registered and kept registered, outbound jobs placed on the cheapest trunk that serves the number
/// and has a free channel (the next one when a trunk is down, refuses us or is full), T.38 per the
/// trunk's policy, SIP statuses mapped to the retry policy; inbound INVITEs checked against the trunks'
/// addresses and a per-source rate limit, then handed to the post office's sink as received faxes.
/// The post office's line budget (total, reserved inbound) applies on top, across all trunks.
/// </summary>
public sealed partial class SipFaxLine : IFaxLine, ITrunkStatusSource, IAsyncDisposable
{
    private readonly SipFaxLineOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly LeastCostRouter _router;
    private readonly TrunkDialPlan _plan;
    private readonly FaxFallback _fallback = new();
    private readonly TrunkChannels _channels = new();
    private readonly Dictionary<string, SipRegistrationKeeper> _keepers = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly Lock _guardLock = new();
    private readonly long _origin;
    private readonly IDnsResolver _dns;
    private readonly SipServerLocator _locator;
    private readonly SemaphoreSlim _guardRefresh = new(1, 1);
    private readonly Dictionary<string, List<AddressRange>> _lastResolved = new(StringComparer.OrdinalIgnoreCase);
    private TimeSpan _guardExpires;
    private SipUserAgent? _ua;
    private InboundCallGuard? _guard;
    private volatile IInboundCallSink? _sink;
    private long _invitesSent;

    public SipFaxLine(SipFaxLineOptions options, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Sip.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The SIP settings are not valid: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _log = _loggers.CreateLogger<SipFaxLine>();
        _time = time ?? TimeProvider.System;
        _origin = _time.GetTimestamp();
        _router = new LeastCostRouter(options.Sip.Trunks);
        _plan = new TrunkDialPlan(options.Numbering);
        _dns = options.Dns ?? new DnsResolver(options.Sip.Nameservers.Count == 0
            ? DnsResolverOptions.FromSystem()
            : new DnsResolverOptions { Servers = [.. options.Sip.Nameservers.Select(n => IPEndPoint.Parse(n) is { Port: 0 } ep ? new IPEndPoint(ep.Address, 53) : IPEndPoint.Parse(n))] });
        _locator = new SipServerLocator(_dns) { ThrowWhenDnsFails = true };
    }

    public string Name => _options.Name;

    /// <summary>All trunks' channels together; each trunk's own limit is kept per call.</summary>
    public int Channels => _options.Sip.Trunks.Sum(t => t.Channels);

    /// <summary>INVITEs this line has sent (placed calls, every trunk tried counts).</summary>
    public long InvitesSent => Interlocked.Read(ref _invitesSent);

    /// <summary>False while every trunk carrying the number has all its channels in use (in or out):
    /// the scheduler then leaves the job queued rather than spending a try on "every trunk is busy".</summary>
    public bool HasFreeChannelFor(string e164) => _router.Candidates(e164).Any(t => _channels.InUse(t) < t.Channels);

    public bool Serves(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        return _router.Serves(e164);
    }

    /// <summary>Where the line listens once started (tests use port 0).</summary>
    public IPEndPoint? LocalEndPoint(SipTrunkTransport transport) => _ua?.LocalEndPoint(ToStack(transport));

    /// <summary>The registration state of a registering trunk; null for one that does not register or before start.</summary>
    public SipRegistrationState? RegistrationState(string trunk) => _keepers.TryGetValue(trunk, out var k) ? k.State : null;

    /// <summary>Each trunk for the post office's status page: channels, calls now, registration state.</summary>
    public IReadOnlyList<TrunkStatus> TrunkStatuses() => _options.Sip.Trunks.Select(t =>
    {
        var (state, healthy) = !t.Register ? ("no registration", true)
            : _ua is null ? ("not started", false)
            : !_keepers.TryGetValue(t.Name, out var k) ? ("not registered", false)
            : k.State switch
            {
                SipRegistrationState.Registered => ("registered", true),
                SipRegistrationState.CredentialsRejected => ("registration refused: wrong user name or password?", false),
                SipRegistrationState.Failed => ($"registration failed: {k.LastResult?.StatusCode} {k.LastResult?.ReasonPhrase}", false),
                _ => ("registering", false),
            };
        return new TrunkStatus(t.Name, t.Channels, _channels.InUse(t), state, healthy);
    }).ToList();

    /// <summary>Starts the user agent and the registrations (also done by the first call or <see cref="RunInboundAsync"/>).</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (_ua is not null)
        {
            return;
        }

        await _startGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_ua is not null)
            {
                return;
            }

            var (guardSources, ttl) = await GuardSourcesAsync(ct).ConfigureAwait(false);
            _guard = new InboundCallGuard(guardSources, _options.Sip.RateLimit);
            _guardExpires = Now + ttl;
            var ua = new SipUserAgent(UserAgentOptions(), _loggers.CreateLogger<SipUserAgent>(), _time)
            {
                IncomingCall = OnIncomingCallAsync,
            };
            await ua.StartAsync(ct).ConfigureAwait(false);
            SipFaxLineLog.Started(_log, Name, string.Join(", ", Enum.GetValues<SipTransportKind>().Select(t => ua.LocalEndPoint(t) is { } ep ? $"{t} {ep}" : null).OfType<string>()));
            foreach (var trunk in _options.Sip.Trunks.Where(t => t.Register))
            {
                SipFaxLineLog.Registering(_log, trunk.Name, trunk.Username, trunk.Registrar);
                _keepers[trunk.Name] = ua.KeepRegistered(new SipRegistration
                {
                    Registrar = SipTrunkUris.Registrar(trunk),
                    AddressOfRecord = SipTrunkUris.AddressOfRecord(trunk),
                    Credentials = new SipCredentials(trunk.EffectiveAuthUsername, trunk.Password),
                    Expires = TimeSpan.FromSeconds(trunk.RegisterExpires),
                    OutboundProxy = trunk.Proxy.Length > 0 ? SipTrunkUris.OutboundProxy(trunk) : null,
                    ContactUser = trunk.Username,
                });
            }

            _ua = ua;
        }
        finally
        {
            _startGate.Release();
        }
    }

    public async Task RunInboundAsync(IInboundCallSink sink, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _sink = sink;
        try
        {
            await StartAsync(ct).ConfigureAwait(false);
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            _sink = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var keeper in _keepers.Values)
        {
            await keeper.DisposeAsync().ConfigureAwait(false);
        }

        _keepers.Clear();
        if (_ua is { } ua)
        {
            await ua.DisposeAsync().ConfigureAwait(false);
        }

        _startGate.Dispose();
        _guardRefresh.Dispose();
    }

    private string LineName(SipTrunkOptions trunk) => $"{Name}/{trunk.Name}";

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    /// <summary>The fax options of one call; <paramref name="call"/> names it in the protocol trace (logged at Debug).</summary>
    private SipFaxOptions FaxOptions(SipTrunkOptions trunk, string localIdent, Fax.T30.T30Capabilities capabilities, string call) => new()
    {
        Policy = SipTrunkUris.Policy(trunk),
        WaitForT38 = _options.WaitForT38,
        Endpoint = _options.Endpoint with
        {
            LocalIdent = localIdent,
            Capabilities = capabilities,
            Trace = _log.IsEnabled(LogLevel.Debug) ? line => SipFaxLineLog.T38Trace(_log, call, line) : null,
        },
        Time = _time,
    };

    private SipUserAgentOptions UserAgentOptions()
    {
        var sip = _options.Sip;
        IPEndPoint? Listen(SipTrunkTransport t) =>
            sip.Listen.FirstOrDefault(l => l.Transport == t) is { } l ? new IPEndPoint(IPAddress.Parse(l.Address), l.Port) : null;
        var tls = sip.Listen.FirstOrDefault(l => l.Transport == SipTrunkTransport.Tls);
        var bind = _options.MediaBindAddress
            ?? sip.Listen.Select(l => IPAddress.Parse(l.Address)).FirstOrDefault(a => !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.IPv6Any))
            ?? IPAddress.Any;
        return new SipUserAgentOptions
        {
            Udp = Listen(SipTrunkTransport.Udp),
            Tcp = Listen(SipTrunkTransport.Tcp),
            Tls = Listen(SipTrunkTransport.Tls),
            TlsCertificate = tls?.Certificate is { } file ? LoadCertificate(file) : null,
            AdvertisedHost = sip.PublicAddress.Length > 0 ? sip.PublicAddress : null,
            MediaBindAddress = bind,
            DefaultTransport = ToStack(sip.Listen[0].Transport),
            Dns = _dns,
        };
    }

    private static X509Certificate2 LoadCertificate(string file) =>
        file.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".p12", StringComparison.OrdinalIgnoreCase)
            ? X509CertificateLoader.LoadPkcs12FromFile(file, null)
            : X509Certificate2.CreateFromPemFile(file);

    private static SipTransportKind ToStack(SipTrunkTransport t) => t switch
    {
        SipTrunkTransport.Tcp => SipTransportKind.Tcp,
        SipTrunkTransport.Tls => SipTransportKind.Tls,
        _ => SipTransportKind.Udp,
    };

    /// <summary>Every trunk's sources and how long the DNS answers behind them hold.</summary>
    private async Task<(List<(SipTrunkOptions, IEnumerable<AddressRange>)> Sources, TimeSpan Ttl)> GuardSourcesAsync(CancellationToken ct)
    {
        var sources = new List<(SipTrunkOptions, IEnumerable<AddressRange>)>();
        var ttl = TimeSpan.FromHours(1);
        foreach (var trunk in _options.Sip.Trunks)
        {
            var (ranges, trunkTtl) = await SourcesOfAsync(trunk, ct).ConfigureAwait(false);
            sources.Add((trunk, ranges));
            ttl = trunkTtl < ttl ? trunkTtl : ttl;
        }

        // A name that could not be resolved is asked again soon, not after an hour.
        return (sources, ttl < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : ttl);
    }

    /// <summary>Re-resolves the trunks' names once their TTL has run out (one refresh at a time).</summary>
    private async Task RefreshGuardAsync(CancellationToken ct)
    {
        if (Now < _guardExpires)
        {
            return;
        }

        await _guardRefresh.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Now < _guardExpires)
            {
                return;
            }

            var (sources, ttl) = await GuardSourcesAsync(ct).ConfigureAwait(false);
            lock (_guardLock)
            {
                _guard!.ReplaceSources(sources);
            }

            _guardExpires = Now + ttl;
        }
        finally
        {
            _guardRefresh.Release();
        }
    }

    /// <summary>
    /// Where a trunk's requests may come from: its InboundAddresses and every address its registrar and
    /// proxy resolve to (RFC 3263: NAPTR and SRV targets of every transport, A/AAAA), with the answers' TTL.
    /// </summary>
    private async Task<(List<AddressRange> Ranges, TimeSpan Ttl)> SourcesOfAsync(SipTrunkOptions trunk, CancellationToken ct)
    {
        var ranges = new List<AddressRange>();
        var ttl = TimeSpan.MaxValue;
        foreach (var text in trunk.InboundAddresses)
        {
            if (AddressRange.TryParse(text, out var range))
            {
                ranges.Add(range);
            }
        }

        SipTransportKind[] all = [SipTransportKind.Udp, SipTransportKind.Tcp, SipTransportKind.Tls];
        foreach (var hostPort in new[] { trunk.Registrar, trunk.Proxy }.Where(h => h.Length > 0))
        {
            if (!TrunkHostPort.TryParse(hostPort, out var hp))
            {
                continue;
            }

            var host = hp.Host.Trim('[', ']');
            if (IPAddress.TryParse(host, out var literal))
            {
                ranges.Add(AddressRange.Single(literal));
                continue;
            }

            try
            {
                var located = await _locator.LocateAsync(Sip.SipUri.Create("sip", null, host, hp.Port, null), all, ToStack(trunk.Transport), ct).ConfigureAwait(false);
                ttl = located.Ttl < ttl ? located.Ttl : ttl;
                var resolved = located.Targets.Select(t => t.Remote.EndPoint.Address).Distinct().Select(AddressRange.Single).ToList();
                ranges.AddRange(resolved);
                lock (_lastResolved)
                {
                    _lastResolved[hostPort] = resolved;
                }

                if (located.Targets.Count == 0)
                {
                    SipFaxLineLog.Unresolved(_log, trunk.Name, host, "no address");
                    ttl = TimeSpan.FromSeconds(30);
                }
            }
            catch (DnsResolveException e)
            {
                // DNS is down: the addresses last resolved stay good until it answers again.
                SipFaxLineLog.Unresolved(_log, trunk.Name, host, e.Message);
                ttl = TimeSpan.FromSeconds(30);
                lock (_lastResolved)
                {
                    ranges.AddRange(_lastResolved.GetValueOrDefault(hostPort) ?? []);
                }
            }
        }

        return (ranges, ttl);
    }
}
