using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>
/// A one-socket SIP relay between a caller and <see cref="Callee"/> over UDP that drops the first copy
/// of every message (same start line, CSeq and top Via), so each one only gets through when it is
/// retransmitted. It Record-Routes the initial INVITE through itself, so in-dialog requests both ways
/// pass it too.
/// </summary>
internal sealed class SipLossyRelay : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ConcurrentDictionary<string, int> _seen = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private IPEndPoint? _caller;

    public SipLossyRelay(IPEndPoint callee)
    {
        Callee = callee;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(RunAsync);
    }

    public IPEndPoint Callee { get; }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public int Dropped;

    public ConcurrentQueue<string> Forwarded { get; } = new();

    private async Task RunAsync()
    {
        var buffer = new byte[65536];
        var any = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (true)
            {
                var got = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                var from = (IPEndPoint)got.RemoteEndPoint;
                var text = Encoding.UTF8.GetString(buffer, 0, got.ReceivedBytes);
                if (text.Trim().Length == 0)
                {
                    continue;
                }

                var toCallee = !from.Equals(Callee);
                if (toCallee)
                {
                    _caller = from;
                }

                if (_seen.AddOrUpdate(Key(text), 1, (_, n) => n + 1) == 1)
                {
                    Interlocked.Increment(ref Dropped);
                    continue;
                }

                if (toCallee && text.StartsWith("INVITE ", StringComparison.Ordinal) && !HasToTag(text))
                {
                    var firstLineEnd = text.IndexOf("\r\n", StringComparison.Ordinal) + 2;
                    text = text.Insert(firstLineEnd, $"Record-Route: <sip:127.0.0.1:{Port};lr>\r\n");
                }

                Forwarded.Enqueue(text[..text.IndexOf("\r\n", StringComparison.Ordinal)]);
                var target = toCallee ? Callee : _caller;
                if (target is not null)
                {
                    await _socket.SendToAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None, target);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Key(string text)
    {
        var lines = text.Split("\r\n");
        var cseq = lines.FirstOrDefault(l => l.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase)) ?? "";
        var via = lines.FirstOrDefault(l => l.StartsWith("Via:", StringComparison.OrdinalIgnoreCase)) ?? "";
        return lines[0] + "|" + cseq + "|" + via;
    }

    private static bool HasToTag(string text) =>
        text.Split("\r\n").Any(l => (l.StartsWith("To:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("t:", StringComparison.Ordinal)) && l.Contains("tag=", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
