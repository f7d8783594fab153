using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Threading.Channels;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>
/// One TCP or TLS connection: a reader framing messages by Content-Length (RFC 3261 §18.3) through
/// <see cref="SipMessageParser.ParseStream"/>, and a single writer loop. After a framing error the
/// stream cannot be resynchronised, so the connection is closed.
/// </summary>
internal sealed class SipStreamConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly SipParseLimits _limits;
    private readonly Action<SipMessage, IPEndPoint> _onMessage;
    private readonly Action<SipParseError, IPEndPoint> _onMalformed;
    private readonly Channel<ReadOnlyMemory<byte>> _outgoing = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private Task _reading = Task.CompletedTask;
    private Task _writing = Task.CompletedTask;
    private int _disposed;

    public SipStreamConnection(Stream stream, IPEndPoint remote, SipParseLimits limits, Action<SipMessage, IPEndPoint> onMessage, Action<SipParseError, IPEndPoint> onMalformed)
    {
        _stream = stream;
        Remote = remote;
        _limits = limits;
        _onMessage = onMessage;
        _onMalformed = onMalformed;
    }

    public IPEndPoint Remote { get; }

    /// <summary>Completes when the connection is gone (closed by either side or broken).</summary>
    public Task Closed => _reading;

    public void Start()
    {
        _reading = Task.Run(ReadLoopAsync);
        _writing = Task.Run(WriteLoopAsync);
    }

    public bool TrySend(ReadOnlyMemory<byte> message) => _outgoing.Writer.TryWrite(message);

    private async Task ReadLoopAsync()
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                var buffer = read.Buffer;
                while (true)
                {
                    var result = SipMessageParser.ParseStream(buffer, _limits);
                    if (result.Status == SipParseStatus.Incomplete)
                    {
                        break;
                    }

                    if (result.Status == SipParseStatus.Error)
                    {
                        _onMalformed(result.Error, Remote);
                        return;
                    }

                    if (result.Status == SipParseStatus.KeepAlive && result.IsPing)
                    {
                        // RFC 5626 §4.4.1: a CRLFCRLF ping is answered with a CRLF pong.
                        TrySend("\r\n"u8.ToArray());
                    }
                    else if (result.Status == SipParseStatus.Complete)
                    {
                        _onMessage(result.Message!, Remote);
                    }

                    buffer = buffer.Slice(result.Consumed);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            _outgoing.Writer.TryComplete();
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var message in _outgoing.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                await _stream.WriteAsync(message, _stop.Token).ConfigureAwait(false);
                await _stream.FlushAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or NotSupportedException)
        {
        }
        finally
        {
            // A writer that failed leaves a broken connection: close it so the next send opens a new one.
            await _stop.CancelAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _outgoing.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_reading, _writing).ConfigureAwait(false);
    }
}
