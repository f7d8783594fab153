using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>SIP over UDP (RFC 3261 §18.1.1, §18.2.1): one socket, a receive loop with a pooled buffer.</summary>
internal sealed class SipUdpTransport : SipTransport
{
    private const int MaxDatagram = 65535;
    private readonly Socket _socket;
    private readonly SipParseLimits _limits;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public SipUdpTransport(IPEndPoint bind, SipParseLimits limits, ILogger log)
    {
        _limits = limits;
        _log = log;
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(bind);
    }

    public override SipTransportKind Kind => SipTransportKind.Udp;

    public override IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public override async Task<bool> SendAsync(ReadOnlyMemory<byte> message, IPEndPoint to)
    {
        try
        {
            await _socket.SendToAsync(message, SocketFlags.None, to).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            SipStackLog.SendFailed(_log, "UDP", to, e.Message);
            return false;
        }
    }

    private protected override void StartCore() => _loop = Task.Run(ReceiveLoopAsync);

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
        var any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                SocketReceiveFromResult got;
                try
                {
                    got = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    continue; // ICMP port unreachable reported on the next receive; not our problem.
                }

                var from = (IPEndPoint)got.RemoteEndPoint;
                var result = SipMessageParser.ParseDatagram(buffer.AsSpan(0, got.ReceivedBytes), _limits);
                switch (result.Status)
                {
                    case SipParseStatus.Complete:
                        Deliver(result.Message!, from);
                        break;
                    case SipParseStatus.Error:
                        Malformed(result.Error, from);
                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
