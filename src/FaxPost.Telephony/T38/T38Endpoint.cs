using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using FaxPost.Fax.T30;
using FaxPost.Fax.T38;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Telephony.T38;

/// <summary>
/// One fax call over T.38 on a UDP socket (T.38 §9.1 UDPTL, as a terminating endpoint): a receive loop
/// feeds datagrams through <see cref="UdptlReceiver"/> and <see cref="T38Terminal"/> into a
/// <see cref="T30Session"/>; what the session says goes out through <see cref="UdptlSender"/>, image
/// data paced at the DCS bit rate. Timers come from the injected <see cref="TimeProvider"/>.
/// One endpoint carries one call; dispose it afterwards.
/// </summary>
public sealed partial class T38Endpoint : IDisposable
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan InputGrace = TimeSpan.FromMilliseconds(500);
    private readonly T38EndpointOptions _options;
    private readonly TimeProvider _time;
    private readonly Socket _socket;
    private readonly UdptlSender _sender;
    private readonly UdptlReceiver _receiver;
    private readonly T38Terminal _terminal;
    private readonly Channel<Arrival> _inputs = Channel.CreateUnbounded<Arrival>();
    private readonly Channel<OutPacket> _outputs = Channel.CreateUnbounded<OutPacket>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource _peerKnown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<T30Input> _received = [];
    private readonly List<byte[]> _ifp = [];
    private readonly List<T30Action> _actions = [];
    private readonly Queue<T30Input> _followUps = new();
    private volatile SocketAddress? _peerAddress;
    private volatile IPEndPoint? _peer;
    private T30Session? _session;
    private T38PageSource? _source;
    private T38PageSink? _sink;
    private FileStream? _sinkStream;
    private Func<int, CancellationToken, Task>? _pageConfirmed;
    private Func<string, string, CancellationToken, Task>? _identified;
    private long _start;
    private TimeSpan _stepTime;
    private int _used;
    private int _confirmedReported;
    private bool _pageOpen;
    private bool _identifiedCalled;
    private bool _calling;
    private string? _deferredOutput;
    private string _remoteTsi = "";
    private string _remoteSub = "";
    private long _datagramsSent;
    private long _datagramsReceived;
    private long _notSent;
    private long _ifpErrors;
    private long _validPackets;
    private long _fromStrangers;

    public T38Endpoint(T38EndpointOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        _socket = new Socket(options.LocalEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(options.LocalEndPoint);
        _sender = new UdptlSender(new UdptlSenderOptions
        {
            ErrorRecovery = options.ErrorRecovery,
            Redundancy = options.Redundancy,
            FecSpan = options.FecSpan,
            FecEntries = options.FecEntries,
            MaxDatagramSize = options.MaxDatagramSize,
        });
        _receiver = new UdptlReceiver(new UdptlReceiverOptions { T38Version = options.T38Version });
        // Paced, image data goes in 20 ms chunks; unpaced, in the largest that keep full protection.
        _terminal = new T38Terminal(options.T38Version, options.Pacing ? 0 : _sender.MaxProtectedIfpLength);
        if (options.Peer is { } peer)
        {
            _peer = peer;
            _peerAddress = peer.Serialize();
        }
    }

    /// <summary>The address the socket is bound to (with the port picked when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>The far end: the configured peer, or whoever sent the first datagram.</summary>
    public IPEndPoint? Peer => _peer;

    private TimeSpan Now => _time.GetElapsedTime(_start);

    /// <summary>
    /// Calls <see cref="T38EndpointOptions.Peer"/> and sends pages <paramref name="firstPage"/> (0-based)
    /// on of the TIFF-F at <paramref name="document"/>. After each page the far end confirms, and before
    /// the next one is sent, <paramref name="pageConfirmed"/> is awaited with its 1-based number in this call.
    /// </summary>
    public async Task<T38CallResult> SendAsync(string document, int firstPage = 0, int pageCount = int.MaxValue, Func<int, CancellationToken, Task>? pageConfirmed = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (_options.Peer is null)
        {
            throw new InvalidOperationException("sending needs a peer address");
        }

        Claim();
        _start = _time.GetTimestamp();
        _calling = true;
        if (await LoadSourceAsync(document, firstPage, pageCount, ct).ConfigureAwait(false) is { } unreadable)
        {
            return unreadable;
        }

        _pageConfirmed = pageConfirmed;
        var session = new T30SessionOptions
        {
            Direction = T30Direction.Send,
            Capabilities = _options.Capabilities,
            LocalIdent = _options.LocalIdent,
            SubAddress = _options.SubAddress,
            SenderId = _options.SenderId,
            SendResolution = _options.SendResolution ?? _source!.Resolution,
            SendWidth = _source!.Width,
            T1 = _options.T1,
        };
        return await RunAsync(session, null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers: receives pages into a new TIFF-F at <paramref name="output"/>, each one written and
    /// flushed to disk as it is confirmed. <paramref name="identified"/> gets the sender's TSI and
    /// sub-address before the first page.
    /// </summary>
    public Task<T38CallResult> ReceiveAsync(string output, Func<string, string, CancellationToken, Task>? identified = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return ReceiveAsync((_, _) => Task.FromResult<string?>(output), identified, ct);
    }

    /// <summary>
    /// Answers a call once the peer is known: <paramref name="accept"/> gets the peer's address and
    /// returns where to store the pages, or null to refuse the call (the caller gets DCN).
    /// </summary>
    public async Task<T38CallResult> ReceiveAsync(Func<IPEndPoint, CancellationToken, Task<string?>> accept, Func<string, string, CancellationToken, Task>? identified = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accept);
        Claim();
        _start = _time.GetTimestamp();
        _identified = identified;
        var session = new T30SessionOptions
        {
            Direction = T30Direction.Receive,
            Capabilities = _options.Capabilities,
            LocalIdent = _options.LocalIdent,
            T1 = _options.T1,
        };
        return await RunAsync(session, async token =>
        {
            var output = await accept(_peer!, token).ConfigureAwait(false);
            if (output is null)
            {
                throw new CallAbortedException(T38CallEnd.Refused, "the call was refused");
            }

            OpenSink(output);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Reads the TIFF-F to send; a result (document error) when it cannot be used.</summary>
    private async Task<T38CallResult?> LoadSourceAsync(string document, int firstPage, int pageCount, CancellationToken ct)
    {
        try
        {
            var bytes = await File.ReadAllBytesAsync(document, ct).ConfigureAwait(false);
            _source = new T38PageSource(TiffDocument.Read(bytes), firstPage, pageCount);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TiffFormatException or FaxCodecException or ArgumentOutOfRangeException)
        {
            return Ended(T38CallEnd.DocumentError, $"cannot read {document}: {e.Message}");
        }
    }

    /// <summary>Creates the TIFF-F the received pages go to.</summary>
    private void OpenSink(string output)
    {
        try
        {
            _sinkStream = new FileStream(output, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
            _sink = new T38PageSink(_sinkStream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CallAbortedException(T38CallEnd.StorageError, $"cannot create {output}: {e.Message}");
        }
    }

    public void Dispose() => _socket.Dispose();

    private void Claim()
    {
        if (Interlocked.Exchange(ref _used, 1) != 0)
        {
            throw new InvalidOperationException("a T38Endpoint carries one call");
        }
    }

    private async Task<T38CallResult> RunAsync(T30SessionOptions sessionOptions, Func<CancellationToken, Task>? answered, CancellationToken ct)
    {
        _session = new T30Session(sessionOptions);
        // Not linked to ct: after a cancel the transmitter still sends our DCN, then both loops stop.
        using var stop = new CancellationTokenSource();
        var receiving = Task.Run(() => ReceiveLoopAsync(stop.Token), CancellationToken.None);
        var transmitting = Task.Run(() => TransmitLoopAsync(stop.Token), CancellationToken.None);
        var end = T38CallEnd.Protocol;
        var reason = "";
        try
        {
            if (_peerAddress is null)
            {
                try
                {
                    await _peerKnown.Task.WaitAsync(_options.AnswerTimeout, _time, ct).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    end = T38CallEnd.NoCall;
                    reason = $"no datagram from any peer in {_options.AnswerTimeout.TotalSeconds:0} s";
                }
            }

            if (end == T38CallEnd.Protocol)
            {
                if (answered is not null)
                {
                    await answered(ct).ConfigureAwait(false);
                }

                (end, reason) = await StepLoopAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            (end, reason) = (T38CallEnd.Cancelled, "cancelled");
            SendDcn();
        }
        catch (CallAbortedException e)
        {
            (end, reason) = (e.End, e.Message);
            SendDcn();
        }
        catch (SocketException e)
        {
            (end, reason) = (T38CallEnd.NetworkError, e.Message);
        }
        finally
        {
            // Let the last frames (DCN) leave before the socket goes quiet.
            _outputs.Writer.TryComplete();
            try
            {
                await transmitting.WaitAsync(TimeSpan.FromSeconds(2), _time, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The far end is gone or the socket failed: nothing more to say to it.
            }

            await stop.CancelAsync().ConfigureAwait(false);
            await receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await transmitting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var pagesStored = _sink?.Pages ?? 0;
        if (_sink is not null)
        {
            // Completes the file (page count in every page); the pages were on disk already.
            try
            {
                await _sink.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException e) when (end == T38CallEnd.Protocol)
            {
                (end, reason) = (T38CallEnd.StorageError, e.Message);
            }
            finally
            {
                await _sinkStream!.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (_session.Result is { } done && _pageConfirmed is not null && end == T38CallEnd.Protocol)
        {
            await ReportConfirmedAsync(done.PagesSent, ct).ConfigureAwait(false);
        }

        return Ended(end, reason, pagesStored);
    }

    /// <summary>Steps the session on each input and on its deadlines until phase E.</summary>
    private async Task<(T38CallEnd, string)> StepLoopAsync(CancellationToken ct)
    {
        var session = _session!;
        await FeedAsync(T30Input.Start, Now, ct).ConfigureAwait(false);
        Task<bool>? waiting = null;
        while (session.State != T30State.Complete)
        {
            var now = Now;
            if (now >= _options.CallTimeout)
            {
                return (T38CallEnd.CallTimeout, $"the call took longer than {_options.CallTimeout}");
            }

            if (!_inputs.Reader.TryRead(out var input))
            {
                var wait = session.NextDeadline is { } d ? d - now : MaxWait;
                wait = wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait > MaxWait ? MaxWait : wait;
                var pending = waiting ??= _inputs.Reader.WaitToReadAsync(ct).AsTask();
                try
                {
                    await pending.WaitAsync(wait, _time, ct).ConfigureAwait(false);
                    waiting = null;
                }
                catch (TimeoutException)
                {
                    if (await InputStillArrivingAsync(pending, ct).ConfigureAwait(false))
                    {
                        continue;
                    }

                    await FeedAsync(T30Input.Tick, Now, ct).ConfigureAwait(false);
                }

                continue;
            }

            if (input.Lost > 0)
            {
                // Page data lost in the network: the page is judged with the rows it lacks.
                if (_pageOpen && session.Mode is { Ecm: false })
                {
                    _sink?.NoteLost(input.Lost);
                }

                continue;
            }

            // The session sees the input at the time it arrived: on a busy machine this loop may get to it
            // late, and a timer that ran out meanwhile must not act as if the far end had been silent.
            await FeedAsync(input.Input, input.At, ct).ConfigureAwait(false);
        }

        return (T38CallEnd.Protocol, "");
    }

    /// <summary>
    /// A timer runs out only when no input is waiting: datagrams already in the socket that the
    /// receive loop has not read yet (a busy machine starves it for a moment) come first — they may
    /// be the very response the timer waits for, and a repeated DIS crossing the far end's DCS ends
    /// the call (seen with spandsp on a loaded CI machine). Real time, because the socket is real;
    /// a flood cannot hold a timer off for longer than <see cref="InputGrace"/>.
    /// </summary>
    private async Task<bool> InputStillArrivingAsync(Task<bool> waiting, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        while (Pending() > 0 && Stopwatch.GetElapsedTime(started) < InputGrace)
        {
            try
            {
                await waiting.WaitAsync(TimeSpan.FromMilliseconds(10), TimeProvider.System, ct).ConfigureAwait(false);
                return true;
            }
            catch (TimeoutException)
            {
            }
        }

        return false;

        int Pending()
        {
            try
            {
                return _socket.Available;
            }
            catch (ObjectDisposedException)
            {
                return 0;
            }
        }
    }

    private async Task FeedAsync(T30Input input, TimeSpan at, CancellationToken ct)
    {
        // Session time never runs backwards (a tick may have been stepped after an input arrived).
        _stepTime = at > _stepTime ? at : _stepTime;
        _followUps.Enqueue(input);
        while (_followUps.TryDequeue(out var next))
        {
            if (next.Kind == T30InputKind.Frame)
            {
                NoteIdentity(next.Data.Span);
            }

            var before = _session!.State;
            TraceInput(next);
            _actions.Clear();
            _actions.AddRange(_session.Step(next, _stepTime));
            if (Tracing && _session.State != before)
            {
                TraceLine($"state {before} -> {_session.State}");
            }

            foreach (var action in _actions)
            {
                await HandleAsync(action, ct).ConfigureAwait(false);
            }

            // T.30 §5.3.6.2.9: a non-ECM page is judged when its data ends, before the post-page command.
            if (next.Kind == T30InputKind.ImageEnd && _pageOpen && _sink is not null && _session.Mode is { Ecm: false })
            {
                _followUps.Enqueue(T30Input.Quality(_sink.Judge()));
            }
        }
    }

    private async Task HandleAsync(T30Action action, CancellationToken ct)
    {
        if (action.Kind == T30ActionKind.BeginPage && _sink is null && _deferredOutput is not null)
        {
            // Offering a document: the file for received pages exists only once a caller sends to us.
            OpenSink(_deferredOutput);
        }

        switch (action.Kind)
        {
            case T30ActionKind.SendTone or T30ActionKind.SendFrames:
                if (Tracing)
                {
                    TraceLine(action.Kind == T30ActionKind.SendTone ? $"tx {action.Tone}" : $"tx {FrameNames(action.Frames)}");
                }

                Transmit(action, TimeSpan.Zero);
                break;
            case T30ActionKind.SendImage:
                Transmit(action, BitTime(action.Data.Length, action.Rate));
                break;
            case T30ActionKind.SendImageFrames:
                var octets = 0;
                foreach (var f in action.Frames)
                {
                    // Each HDLC frame adds its FCS and a flag on the line (T.30 §5.3.1).
                    octets += f.Length + 3;
                }

                Transmit(action, BitTime(octets, action.Rate));
                break;
            case T30ActionKind.RequestPage:
                await ReportConfirmedAsync(action.Page - 1, ct).ConfigureAwait(false);
                var mode = action.Mode!;
                (byte[] Coded, bool More) page;
                try
                {
                    page = await Task.Run(() => _source!.Next(mode), ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is TiffFormatException or FaxCodecException or InvalidOperationException or ArgumentException)
                {
                    throw new CallAbortedException(T38CallEnd.DocumentError, $"page {action.Page} cannot be coded: {e.Message}");
                }

                _followUps.Enqueue(T30Input.Page(page.Coded, page.More));
                break;
            case T30ActionKind.BeginPage when _sink is not null:
                _pageOpen = true;
                _sink.Begin(action.Mode!);
                if (!_identifiedCalled && _identified is not null)
                {
                    _identifiedCalled = true;
                    await _identified(_remoteTsi, _remoteSub, ct).ConfigureAwait(false);
                }

                break;
            case T30ActionKind.PageData when _sink is not null:
                _sink.Append(action.Data.Span);
                break;
            case T30ActionKind.EndPage when _sink is not null:
                _pageOpen = false;
                if (action.Accepted)
                {
                    var storing = Stopwatch.GetTimestamp();
                    try
                    {
                        await _sink.StoreAsync(ct).ConfigureAwait(false);
                        if (Tracing)
                        {
                            TraceLine($"page {action.Page} stored in {Stopwatch.GetElapsedTime(storing).TotalMilliseconds:0} ms");
                        }
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or FaxCodecException)
                    {
                        throw new CallAbortedException(T38CallEnd.StorageError, $"page {action.Page} could not be stored: {e.Message}");
                    }
                }

                break;
        }
    }

    /// <summary>Reports source pages done once <paramref name="sentPages"/> pages sent are confirmed.</summary>
    private async Task ReportConfirmedAsync(int sentPages, CancellationToken ct)
    {
        var upTo = _source?.SourcePagesDone(sentPages) ?? sentPages;
        while (_confirmedReported < upTo)
        {
            _confirmedReported++;
            if (_pageConfirmed is not null)
            {
                await _pageConfirmed(_confirmedReported, ct).ConfigureAwait(false);
            }
        }
    }

    private void TraceInput(T30Input input)
    {
        if (!Tracing)
        {
            return;
        }

        switch (input.Kind)
        {
            case T30InputKind.Frame:
                TraceLine($"rx {FrameNames([input.Data.ToArray()])}");
                break;
            case T30InputKind.BadFrame:
                TraceLine("rx bad frame");
                break;
            case T30InputKind.ImageEnd:
                TraceLine("rx end of image");
                break;
            case T30InputKind.PageQuality:
                TraceLine(input.Acceptable ? "page quality good" : "page quality poor");
                break;
        }
    }

    private static string FrameNames(IReadOnlyList<byte[]> frames) =>
        string.Join(' ', frames.Select(f => T30Frame.TryParse(f, out var frame, out _) ? frame.Type.ToString().ToUpperInvariant() : $"?{Convert.ToHexString(f)}"));

    /// <summary>Trace lines are only built when someone reads them: an untraced call pays nothing.</summary>
    private bool Tracing => _options.Trace is not null;

    private void TraceLine(string line) => _options.Trace?.Invoke($"{Now.TotalSeconds,8:0.000} {line}");

    private static TimeSpan BitTime(int octets, T30Rate rate) =>
        TimeSpan.FromSeconds(octets * 8.0 / Math.Max(2400, rate.BitRate));

    /// <summary>Queues the IFP packets of <paramref name="action"/>; the image's line time is spread over its data packets.</summary>
    private void Transmit(T30Action action, TimeSpan imageTime)
    {
        _ifp.Clear();
        _terminal.Translate(action, _ifp);
        var image = action.Kind is T30ActionKind.SendImage or T30ActionKind.SendImageFrames;
        // Image packets: a training indicator, the data, a no-signal indicator (T.38 §5.3).
        var dataPackets = Math.Max(1, _ifp.Count - 2);
        for (var i = 0; i < _ifp.Count; i++)
        {
            var isData = image && i > 0 && i < _ifp.Count - 1;
            _outputs.Writer.TryWrite(new OutPacket(_ifp[i], isData ? imageTime / dataPackets : TimeSpan.Zero, image && i == _ifp.Count - 1));
        }
    }

    /// <summary>Ends the call on our side (T.30 §5.3.6.1.10: DCN) when we stop it outside the protocol.</summary>
    private void SendDcn()
    {
        if (_peerAddress is null || _session is null || _session.State == T30State.Complete)
        {
            return;
        }

        var frame = new byte[3];
        T30Frame.Write(frame, T30FrameType.Dcn, x: _calling, isFinal: true, []);
        Transmit(new T30Action { Kind = T30ActionKind.SendFrames, Frames = [frame] }, TimeSpan.Zero);
    }

    private void NoteIdentity(ReadOnlySpan<byte> data)
    {
        if (!T30Frame.TryParse(data, out var frame, out _))
        {
            return;
        }

        if (frame.Type == T30FrameType.Tsi)
        {
            _remoteTsi = T30Identity.Decode(frame.Fif);
        }
        else if (frame.Type == T30FrameType.Sub)
        {
            _remoteSub = T30Identity.Decode(frame.Fif);
        }
    }

    private T38CallResult Ended(T38CallEnd end, string reason, int? pagesStored = null)
    {
        var result = _session?.Result;
        var mode = result?.LastDcs ?? _session?.Mode;
        var stats = _receiver.Statistics;
        var statistics = new T38LineStatistics(
            Interlocked.Read(ref _datagramsSent), Interlocked.Read(ref _datagramsReceived), stats.Malformed, Interlocked.Read(ref _ifpErrors),
            Interlocked.Read(ref _fromStrangers), stats.Lost, stats.FromRedundancy + stats.FromFec, Interlocked.Read(ref _notSent), stats.FromFec);
        if (end == T38CallEnd.Protocol && result is { Success: false })
        {
            reason = $"{result.Completion}: {result.Detail}";
            if (Interlocked.Read(ref _validPackets) == 0)
            {
                reason += statistics.DatagramsReceived == 0
                    ? " (nothing came from the peer)"
                    : $" (no valid T.38 from the peer: {statistics.DatagramsReceived} datagrams, {statistics.Malformed} malformed, {statistics.IfpErrors} bad IFP packets)";
            }
        }

        var pages = _sink is not null ? pagesStored ?? 0 : result is not null && _source is not null ? _source.SourcePagesDone(result.PagesSent) : _confirmedReported;
        return new T38CallResult
        {
            End = end,
            Completion = end == T38CallEnd.Protocol ? result?.Completion : null,
            Reason = reason,
            Pages = pages,
            BitRate = mode?.Rate.BitRate ?? 0,
            Modulation = mode?.Rate.Modulation,
            Resolution = mode?.Resolution,
            Compression = mode?.Compression,
            Ecm = mode?.Ecm ?? false,
            Transmitted = _source is not null && _session?.Transmitting == true,
            RemoteIdent = result?.RemoteIdent is { Length: > 0 } id ? id : _remoteTsi,
            RemoteSubAddress = result?.RemoteSubAddress is { Length: > 0 } sub ? sub : _remoteSub,
            Duration = _start == 0 ? TimeSpan.Zero : Now,
            Statistics = statistics,
        };
    }

    /// <summary>A session input and when it came (the call's time); or, with <paramref name="Lost"/> above 0, UDPTL packets lost for good there.</summary>
    private readonly record struct Arrival(T30Input Input, TimeSpan At, int Lost = 0);

    private readonly record struct OutPacket(byte[] Ifp, TimeSpan LineTime, bool CompletesImage);

    private sealed class CallAbortedException(T38CallEnd end, string message) : Exception(message)
    {
        public T38CallEnd End { get; } = end;
    }
}
