using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FaxPost.Fax.T30;
using FaxPost.Fax.T38;

namespace FaxPost.Fax.Tests.Interop;

/// <summary>
/// The thinnest possible line for tests: one UDP socket, our UDPTL sender/receiver, T38Terminal and a
/// T30Session, driven by real time. (The product's line lives in Telephony; this one only proves the cores.)
/// </summary>
internal sealed class T38LineLoop : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly T30Session _session;
    private readonly T38Terminal _terminal;
    private readonly UdptlSender _sender = new(new UdptlSenderOptions { Redundancy = 3, MaxDatagramSize = 400 });
    private readonly UdptlReceiver _receiver;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<byte[]> _out = [];
    private readonly List<T30Input> _inputs = [];
    private readonly Queue<T30Input> _followUps = new();
    private IPEndPoint? _remote;

    public T38LineLoop(T30SessionOptions options, int version)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _session = new T30Session(options);
        _terminal = new T38Terminal(version);
        _receiver = new UdptlReceiver(new UdptlReceiverOptions { T38Version = version });
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public T30Session Session => _session;

    public List<T30Action> Log { get; } = [];

    public List<(int Page, DcsFrame Mode, MemoryStream Data, bool Accepted)> Pages { get; } = [];

    public int IfpErrors { get; private set; }

    /// <summary>Frames from the far end that did not parse, with the reason.</summary>
    public List<string> Rejected { get; } = [];

    /// <summary>Sending: coded data for page n in the commanded mode, and whether more pages follow.</summary>
    public Func<int, DcsFrame, (byte[] Coded, bool More)>? PageSource { get; init; }

    public async Task RunAsync(int remotePort, TimeSpan timeout)
    {
        _remote = new IPEndPoint(IPAddress.Loopback, remotePort);
        var buffer = new byte[2048];
        await Feed(T30Input.Start);
        while (_session.State != T30State.Complete && _clock.Elapsed < timeout)
        {
            var wait = _session.NextDeadline is { } d ? d - _clock.Elapsed : TimeSpan.FromMilliseconds(200);
            wait = wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait > TimeSpan.FromMilliseconds(200) ? TimeSpan.FromMilliseconds(200) : wait;
            using var cts = new CancellationTokenSource(wait);
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException)
            {
                await Feed(T30Input.Tick);
                continue;
            }

            if (_receiver.Receive(buffer.AsSpan(0, n)) != UdptlError.None)
            {
                continue;
            }

            _inputs.Clear();
            foreach (var e in _receiver.Events)
            {
                if (e.Kind == UdptlEventKind.Packet && _terminal.Receive(_receiver.Payload(e), _inputs) != IfpError.None)
                {
                    IfpErrors++;
                }
            }

            foreach (var input in _inputs.ToArray())
            {
                if (input.Kind == T30InputKind.Frame && !T30Frame.TryParse(input.Data.Span, out _, out var frameError))
                {
                    Rejected.Add($"{frameError}: {Convert.ToHexString(input.Data.Span)}");
                }

                await Feed(input);
            }
        }
    }

    /// <summary>Steps the session, sends what it says, and feeds back page data and send completions.</summary>
    private async Task Feed(T30Input input)
    {
        _followUps.Enqueue(input);
        while (_followUps.TryDequeue(out var next))
        {
            await Apply([.. _session.Step(next, _clock.Elapsed)]);
        }
    }

    private async Task Apply(List<T30Action> actions)
    {
        _out.Clear();
        var image = false;
        foreach (var action in actions)
        {
            Log.Add(action);
            switch (action.Kind)
            {
                case T30ActionKind.BeginPage:
                    Pages.Add((action.Page, action.Mode!, new MemoryStream(), false));
                    break;
                case T30ActionKind.PageData:
                    Pages[^1].Data.Write(action.Data.Span);
                    break;
                case T30ActionKind.EndPage:
                    Pages[^1] = Pages[^1] with { Accepted = action.Accepted };
                    break;
                case T30ActionKind.RequestPage:
                    var (coded, more) = PageSource!(action.Page, action.Mode!);
                    _followUps.Enqueue(T30Input.Page(coded, more));
                    break;
                case T30ActionKind.SendImage or T30ActionKind.SendImageFrames:
                    image = true;
                    break;
            }

            _terminal.Translate(action, _out);
        }

        var datagram = new byte[400];
        var sent = 0;
        foreach (var ifp in _out)
        {
            Assert.True(_sender.TryEncode(ifp, datagram, out var len));
            await _socket.SendToAsync(datagram.AsMemory(0, len), SocketFlags.None, _remote!);
            if (++sent % 8 == 0)
            {
                // Loose pacing: a page in one burst overflows the far end's socket buffer (a real
                // T.38 sender paces image data at the modem rate; loopback needs far less).
                await Task.Delay(2);
            }
        }

        if (image)
        {
            // Everything was handed to the socket at once (no pacing between terminals on loopback).
            _followUps.Enqueue(T30Input.SendComplete);
        }
    }

    public void Dispose() => _socket.Dispose();
}
