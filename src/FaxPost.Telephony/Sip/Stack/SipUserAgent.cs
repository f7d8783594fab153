using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using FaxPost.Telephony.Sip.Dialogs;
using FaxPost.Telephony.Sip.Dns;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>
/// A SIP user agent (RFC 3261): transports, the transaction layer and the UA core for a fax
/// endpoint — registration, outgoing and incoming calls, re-INVITE, session timers, BYE, OPTIONS.
/// Start it with <see cref="StartAsync"/>; set <see cref="IncomingCall"/> before, or calls get 480.
/// </summary>
public sealed partial class SipUserAgent : IAsyncDisposable
{
    private readonly SipUserAgentOptions _options;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly SipTransactionLayer _layer;
    private readonly SipServerLocator _locator;
    private readonly Dictionary<string, SipRemote> _answering = [];
    private readonly Dictionary<SipTransportKind, SipTransport> _transports = [];
    private readonly Dictionary<SipDialogId, SipCall> _calls = [];
    private readonly Dictionary<(string CallId, string FromTag), SipIncomingCall> _offered = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stopToken;
    private string _host = "127.0.0.1";
    private IPAddress _mediaAddress = IPAddress.Loopback;
    private long _malformed;

    public SipUserAgent(SipUserAgentOptions options, ILogger<SipUserAgent>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _log = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _layer = new SipTransactionLayer(SendRawAsync, _time, options.Timers);
        _stopToken = _stopping.Token;

        // The default resolver runs on the real clock: its timeouts must pass even under a test clock.
        _locator = new SipServerLocator(options.Dns ?? new DnsResolver(DnsResolverOptions.FromSystem()));
    }

    /// <summary>
    /// Called for each new incoming call (on a thread-pool thread). Answer, reject or let it ring;
    /// a handler that returns without doing either leaves the call ringing until the caller cancels.
    /// </summary>
    public Func<SipIncomingCall, CancellationToken, Task>? IncomingCall { get; set; }

    /// <summary>
    /// Called for requests outside a dialog the UA does not handle itself (REGISTER, MESSAGE,
    /// SUBSCRIBE...). Without a handler they get 405 Method Not Allowed.
    /// </summary>
    public Func<SipServerRequest, CancellationToken, Task>? RequestHandler { get; set; }

    public SipUserAgentOptions Options => _options;

    /// <summary>The bound listening address of a transport, or null when it is not enabled.</summary>
    public IPEndPoint? LocalEndPoint(SipTransportKind transport) => _transports.GetValueOrDefault(transport)?.LocalEndPoint;

    /// <summary>The host we put in Via and Contact.</summary>
    public string Host => _host;

    /// <summary>Messages dropped because they could not be parsed or failed the RFC 3261 §8.2 checks.</summary>
    public long MalformedMessages => Interlocked.Read(ref _malformed);

    /// <summary>Calls with a dialog (established, or being torn down).</summary>
    public int ActiveCalls
    {
        get
        {
            lock (_layer.Gate)
            {
                return _calls.Count;
            }
        }
    }

    /// <summary>Finds the servers for a URI (RFC 3263), on this UA's resolver.</summary>
    public SipServerLocator Locator => _locator;

    internal SipTransactionLayer Layer => _layer;

    internal TimeProvider Time => _time;

    internal ILogger Log => _log;

    internal CancellationToken Stopping => _stopToken;

    internal IPAddress MediaAddress => _mediaAddress;

    /// <summary>Binds the sockets and starts receiving.</summary>
    public Task StartAsync(CancellationToken ct = default)
    {
        if (_transports.Count > 0)
        {
            throw new InvalidOperationException("Already started.");
        }

        try
        {
            if (_options.Udp is { } udp)
            {
                _transports[SipTransportKind.Udp] = new SipUdpTransport(udp, _options.Limits, _log);
            }

            if (_options.Tcp is { } tcp)
            {
                _transports[SipTransportKind.Tcp] = new SipStreamTransport(tcp, null, null, _options.Limits, _options.MaxConnections, _log);
            }

            if (_options.Tls is { } tls && _options.TlsCertificate is { } certificate)
            {
                _transports[SipTransportKind.Tls] = new SipStreamTransport(tls, certificate, _options.TlsCertificateValidation, _options.Limits, _options.MaxConnections, _log);
            }
        }
        catch (SocketException)
        {
            foreach (var t in _transports.Values)
            {
                _ = t.DisposeAsync();
            }

            _transports.Clear();
            throw;
        }

        var bound = _transports.Values.First().LocalEndPoint.Address;
        _host = _options.AdvertisedHost ?? (IsAny(bound) ? FirstLocalAddress().ToString() : bound.ToString());
        _mediaAddress = _options.MediaAdvertisedAddress
            ?? (IPAddress.TryParse(_host, out var advertised) ? advertised : null)
            ?? (IsAny(_options.MediaBindAddress) ? FirstLocalAddress() : _options.MediaBindAddress);
        foreach (var t in _transports.Values)
        {
            t.Start(OnMessage, OnMalformed);
        }

        return Task.CompletedTask;
    }

    /// <summary>Ends every call (BYE), stops the timers and closes the sockets.</summary>
    public async ValueTask DisposeAsync()
    {
        List<SipCall> calls;
        lock (_layer.Gate)
        {
            calls = [.. _calls.Values];
        }

        foreach (var call in calls)
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await call.HangUpAsync(quick.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _layer.Dispose();
        foreach (var t in _transports.Values)
        {
            await t.DisposeAsync().ConfigureAwait(false);
        }

    }

    internal Task<bool> SendRawAsync(ReadOnlyMemory<byte> message, SipRemote to) =>
        _transports.TryGetValue(to.Transport, out var transport) ? transport.SendAsync(message, to.EndPoint) : Task.FromResult(false);

    internal void Register(SipCall call)
    {
        lock (_layer.Gate)
        {
            _calls[call.DialogId] = call;
        }
    }

    internal void Forget(SipCall call)
    {
        lock (_layer.Gate)
        {
            if (_calls.TryGetValue(call.DialogId, out var current) && current == call)
            {
                _calls.Remove(call.DialogId);
            }
        }
    }

    internal void Forget(SipIncomingCall call)
    {
        lock (_layer.Gate)
        {
            _offered.Remove((call.CallId, call.RemoteTag));
        }
    }

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static IPAddress FirstLocalAddress()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.AddressFamily == AddressFamily.InterNetwork)
                {
                    return unicast.Address;
                }
            }
        }

        return IPAddress.Loopback;
    }
}
