using System.Buffers;
using System.Net;
using System.Net.Sockets;
using FaxPost.Fax.T30;
using FaxPost.Fax.T38;

namespace FaxPost.Telephony.T38;

/// <summary>The socket side: the receive loop and the paced transmit loop.</summary>
public sealed partial class T38Endpoint
{
    private const int ReceiveBufferSize = 65536;

    /// <summary>Datagrams → UDPTL → IFP → session inputs. Only this loop touches the receiver and the terminal's receive side.</summary>
    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        var from = new SocketAddress(_socket.AddressFamily);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, from, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
                {
                    // ICMP port unreachable from an earlier send, or an oversized datagram: keep listening.
                    continue;
                }

                var peer = _peerAddress;
                if (peer is null)
                {
                    // T.38 §9.1: the first datagram tells us who calls; from now on only it is heard.
                    var learned = new SocketAddress(from.Family, from.Size);
                    from.Buffer.Span[..from.Size].CopyTo(learned.Buffer.Span);
                    _peer = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(learned);
                    _peerAddress = learned;
                    _peerKnown.TrySetResult();
                }
                else if (!from.Equals(peer))
                {
                    Interlocked.Increment(ref _fromStrangers);
                    continue;
                }

                Interlocked.Increment(ref _datagramsReceived);
                Process(buffer.AsSpan(0, n));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Process(ReadOnlySpan<byte> datagram)
    {
        if (_receiver.Receive(datagram) != UdptlError.None)
        {
            return;
        }

        var at = Now;
        foreach (var e in _receiver.Events)
        {
            if (e.Kind != UdptlEventKind.Packet)
            {
                if (Tracing)
                {
                    TraceLine(e.Kind == UdptlEventKind.Lost ? $"udptl lost {e.Count} from {e.Sequence}" : $"udptl numbering restarts at {e.Sequence}");
                }

                if (e.Kind == UdptlEventKind.Lost)
                {
                    _inputs.Writer.TryWrite(new Arrival(T30Input.Tick, at, e.Count));
                }

                continue;
            }

            _received.Clear();
            if (_terminal.Receive(_receiver.Payload(e), _received) == IfpError.None)
            {
                Interlocked.Increment(ref _validPackets);
            }
            else
            {
                Interlocked.Increment(ref _ifpErrors);
            }

            foreach (var input in _received)
            {
                _inputs.Writer.TryWrite(new Arrival(input, at));
            }
        }
    }

    /// <summary>IFP packets → UDPTL datagrams, image data paced at the line rate; reports the end of each image.</summary>
    private async Task TransmitLoopAsync(CancellationToken ct)
    {
        var datagram = ArrayPool<byte>.Shared.Rent(_options.MaxDatagramSize);
        var due = TimeSpan.Zero;
        var burst = 0;
        try
        {
            await foreach (var packet in _outputs.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (_options.Pacing && packet.LineTime > TimeSpan.Zero)
                {
                    var now = Now;
                    if (due > now)
                    {
                        await Task.Delay(due - now, _time, ct).ConfigureAwait(false);
                    }

                    // Catch up after a short stall; after a long one start over from now.
                    due = (now - due > TimeSpan.FromMilliseconds(100) ? now : due) + packet.LineTime;
                }

                if (_sender.TryEncode(packet.Ifp, datagram.AsSpan(0, _options.MaxDatagramSize), out var length))
                {
                    await _socket.SendToAsync(datagram.AsMemory(0, length), SocketFlags.None, _peerAddress!, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref _datagramsSent);
                }
                else
                {
                    Interlocked.Increment(ref _notSent);
                }

                if (!_options.Pacing && ++burst % _options.UnpacedBurst == 0)
                {
                    // Even unpaced, a page in one burst would overflow the far end's socket buffer. About 8
                    // datagrams a millisecond whatever the burst: each wake-up costs CPU, so fewer, longer pauses.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, _options.UnpacedBurst / 8)), _time, ct).ConfigureAwait(false);
                }

                if (packet.CompletesImage)
                {
                    if (_options.Pacing && due > Now)
                    {
                        await Task.Delay(due - Now, _time, ct).ConfigureAwait(false);
                    }

                    _inputs.Writer.TryWrite(new Arrival(T30Input.SendComplete, Now));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(datagram);
        }
    }
}
