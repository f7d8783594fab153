using System.Net;
using System.Net.Sockets;
using System.Text;
using FaxPost.Telephony.Sip;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>A bare UDP socket that writes SIP text by hand and reads what comes back.</summary>
internal sealed class SipRawPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public SipRawPeer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Send(string text, IPEndPoint to) => _socket.SendTo(Encoding.UTF8.GetBytes(text), to);

    public void Send(byte[] bytes, IPEndPoint to) => _socket.SendTo(bytes, to);

    /// <summary>The next SIP response, or null after <paramref name="seconds"/>.</summary>
    public async Task<SipResponse?> ReceiveAsync(double seconds = 5)
    {
        var buffer = new byte[65536];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (SipMessageParser.ParseDatagram(buffer.AsSpan(0, n)).Message is SipResponse r)
                {
                    return r;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The next SIP request and where it came from, or null after <paramref name="seconds"/>.</summary>
    public async Task<(SipRequest Request, IPEndPoint From)?> ReceiveRequestAsync(double seconds = 5)
    {
        var buffer = new byte[65536];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            while (true)
            {
                var got = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
                if (SipMessageParser.ParseDatagram(buffer.AsSpan(0, got.ReceivedBytes)).Message is SipRequest r)
                {
                    return (r, (IPEndPoint)got.RemoteEndPoint);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>A request from this peer, with {port} replaced by its port and {branch} by a fresh branch.</summary>
    public string Fill(string template) =>
        template.Replace("{port}", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{branch}", "z9hG4bK" + Guid.NewGuid().ToString("N"), StringComparison.Ordinal)
            .ReplaceLineEndings("\r\n");

    public void Dispose() => _socket.Dispose();
}
