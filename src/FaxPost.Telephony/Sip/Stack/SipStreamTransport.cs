using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>
/// SIP over TCP, or TLS when a certificate is given (RFC 3261 §18, §26.2.1). Connections are kept by
/// the far end's address: a response goes back on the connection its request came in on (§18.2.2),
/// and a request to an address with no connection opens one.
/// </summary>
internal sealed class SipStreamTransport : SipTransport
{
    private readonly Socket _listener;
    private readonly SipParseLimits _limits;
    private readonly X509Certificate2? _certificate;
    private readonly RemoteCertificateValidationCallback? _validate;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<IPEndPoint, Task<SipStreamConnection?>> _connections = new();
    private readonly ConcurrentDictionary<IPEndPoint, string> _serverNames = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly int _maxConnections;
    private Task _accepting = Task.CompletedTask;

    public SipStreamTransport(IPEndPoint bind, X509Certificate2? certificate, RemoteCertificateValidationCallback? validate, SipParseLimits limits, int maxConnections, ILogger log)
    {
        _certificate = certificate;
        _validate = validate;
        _limits = limits;
        _maxConnections = maxConnections;
        _log = log;
        _listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(bind);
        _listener.Listen(64);
    }

    public override SipTransportKind Kind => _certificate is null ? SipTransportKind.Tcp : SipTransportKind.Tls;

    public override IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public int ConnectionCount => _connections.Count;

    /// <summary>TLS: the name to check the certificate of <paramref name="endPoint"/> against (RFC 5922 §7), when it came from a host name.</summary>
    public void SetServerName(IPEndPoint endPoint, string name) => _serverNames[endPoint] = name;

    private protected override void StartCore() => _accepting = Task.Run(AcceptLoopAsync);

    public override async Task<bool> SendAsync(ReadOnlyMemory<byte> message, IPEndPoint to)
    {
        while (true)
        {
            Task<SipStreamConnection?> pending;
            lock (_connections)
            {
                // One connect per address: GetOrAdd alone may run the factory twice and leak a socket.
                if (!_connections.TryGetValue(to, out pending!))
                {
                    pending = ConnectAsync(to);
                    _connections[to] = pending;
                }
            }

            var connection = await pending.ConfigureAwait(false);
            if (connection is null)
            {
                _connections.TryRemove(new KeyValuePair<IPEndPoint, Task<SipStreamConnection?>>(to, pending));
                return false;
            }

            if (connection.TrySend(message))
            {
                return true;
            }

            // Closed under us: forget it and open a new one.
            _connections.TryRemove(new KeyValuePair<IPEndPoint, Task<SipStreamConnection?>>(to, pending));
        }
    }

    private async Task<SipStreamConnection?> ConnectAsync(IPEndPoint to)
    {
        var socket = new Socket(to.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(to, timeout.Token).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (_certificate is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions { TargetHost = _serverNames.GetValueOrDefault(to) ?? to.Address.ToString(), RemoteCertificateValidationCallback = _validate },
                    timeout.Token).ConfigureAwait(false);
                stream = tls;
            }

            return Open(stream, to);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            SipStackLog.SendFailed(_log, Kind.ToString().ToUpperInvariant(), to, e.Message);
            socket.Dispose();
            return null;
        }
    }

    private SipStreamConnection Open(Stream stream, IPEndPoint remote)
    {
        var connection = new SipStreamConnection(stream, remote, _limits, Deliver, Malformed);
        connection.Start();
        _ = connection.Closed.ContinueWith(
            async _ =>
            {
                if (_connections.TryGetValue(remote, out var current) && current.IsCompletedSuccessfully && current.Result == connection)
                {
                    _connections.TryRemove(new KeyValuePair<IPEndPoint, Task<SipStreamConnection?>>(remote, current));
                }

                await connection.DisposeAsync().ConfigureAwait(false);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return connection;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            if (_connections.Count >= _maxConnections)
            {
                SipStackLog.ConnectionRefused(_log, (IPEndPoint)socket.RemoteEndPoint!, _maxConnections);
                socket.Dispose();
                continue;
            }

            _ = AcceptOneAsync(socket);
        }
    }

    private async Task AcceptOneAsync(Socket socket)
    {
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        socket.NoDelay = true;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (_certificate is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, timeout.Token).ConfigureAwait(false);
                stream = tls;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            SipStackLog.TlsHandshakeFailed(_log, remote, e.Message);
            await stream.DisposeAsync().ConfigureAwait(false);
            return;
        }

        var connection = Open(stream, remote);
        _connections[remote] = Task.FromResult<SipStreamConnection?>(connection);
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        foreach (var pending in _connections.Values)
        {
            if (await pending.ConfigureAwait(false) is { } connection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        _connections.Clear();
        _stop.Dispose();
    }
}
