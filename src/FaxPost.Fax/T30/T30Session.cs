namespace FaxPost.Fax.T30;

/// <summary>
/// The T.30 procedure as a pure state machine (T.30 §5, Annex A for ECM): inputs are frames, image
/// data and the time; outputs are <see cref="T30Action"/>s. No I/O and no clock: every
/// <see cref="Step"/> gets <c>now</c>, and <see cref="NextDeadline"/> says when to call again with
/// <see cref="T30Input.Tick"/>. This first part is the called (answering, receiving) terminal, with
/// and without ECM. Frames are in HDLC order (see <see cref="HdlcBitOrder"/>).
/// </summary>
public sealed partial class T30Session
{
    private readonly T30SessionOptions _options;
    private readonly List<T30Action> _actions = [];
    private readonly TimeSpan?[] _deadlines = new TimeSpan?[5];
    private readonly List<byte[]> _lastSent = [];
    private TimeSpan _now;
    private DcsFrame? _dcs;
    private string _remoteIdent = "";
    private string _remoteSub = "";
    private string _remoteSid = "";
    private byte[] _remoteNonStandard = [];
    private int _pagesReceived;

    // The role can change within a call (polling): the caller receives after its DTC, a polled answerer sends.
    private bool _sending;

    public T30Session(T30SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Span<byte> probe = stackalloc byte[T30Identity.Length];
        if (!T30Identity.TryEncode(options.LocalIdent, probe) || !T30Identity.TryEncode(options.SubAddress, probe) || !T30Identity.TryEncode(options.SenderId, probe))
        {
            throw new ArgumentException("LocalIdent, SubAddress, SenderId: up to 20 digits, '+', '#', '*' or spaces", nameof(options));
        }

        _options = options;
        // A caller starts as the station that waits for DIS; polling, it becomes the receiver on DTC.
        _sending = options.Direction != T30Direction.Receive;
    }

    public T30State State { get; private set; }

    /// <summary>
    /// Whether the session is the sending terminal now: a caller that sends, or an answerer that was
    /// polled (DTC). A polling caller is the receiving terminal once its DTC is out.
    /// </summary>
    public bool Transmitting => _sending;

    /// <summary>Set once the session reaches <see cref="T30State.Complete"/>.</summary>
    public T30Result? Result { get; private set; }

    /// <summary>The mode the far end commanded last (DCS).</summary>
    public DcsFrame? Mode => _dcs;

    /// <summary>The earliest running timer's deadline, if any: call <see cref="Step"/> with a tick then.</summary>
    public TimeSpan? NextDeadline
    {
        get
        {
            TimeSpan? next = null;
            foreach (var d in _deadlines)
            {
                if (d is { } t && (next is null || t < next))
                {
                    next = t;
                }
            }

            return next;
        }
    }

    /// <summary>
    /// The one transition function: applies <paramref name="input"/> at time <paramref name="now"/> and
    /// returns what to do. The list is reused by the next call.
    /// </summary>
    public IReadOnlyList<T30Action> Step(T30Input input, TimeSpan now)
    {
        _actions.Clear();
        _now = now;

        // Timers that ran out before this input arrived act first.
        CheckTimers();
        if (State == T30State.Complete)
        {
            return _actions;
        }

        switch (input.Kind)
        {
            case T30InputKind.Start:
                if (Calling)
                {
                    OnStartCall();
                }
                else
                {
                    OnStart();
                }

                break;
            case T30InputKind.Frame when Sending:
                if (T30Frame.TryParse(input.Data.Span, out var sendFrame, out _))
                {
                    OnSendFrame(sendFrame);
                }
                else
                {
                    OnSendBadFrame();
                }

                break;
            case T30InputKind.Frame:
                if (T30Frame.TryParse(input.Data.Span, out var frame, out _))
                {
                    OnFrame(frame);
                }
                else
                {
                    OnBadFrame();
                }

                break;
            case T30InputKind.BadFrame when Sending:
                OnSendBadFrame();
                break;
            case T30InputKind.PageCoded:
                OnPageCoded(input.Data, morePages: input.Acceptable);
                break;
            case T30InputKind.SendComplete:
                OnSendComplete();
                break;
            case T30InputKind.SignalDetected:
                // T.30 §5.4.3: a command is repeated only when nothing comes back; while the far end
                // is talking (its frames take seconds at 300 bit/s) the response timer starts over.
                if (_deadlines[(int)T30Timer.T4] is not null)
                {
                    Arm(T30Timer.T4);
                }

                break;
            case T30InputKind.BadFrame:
                OnBadFrame();
                break;
            case T30InputKind.ImageData:
                OnImageData(input.Data);
                break;
            case T30InputKind.ImageEnd:
                OnImageEnd();
                break;
            case T30InputKind.PageQuality:
                _pageAcceptable = input.Acceptable;
                break;
        }

        return _actions;
    }

    private void CheckTimers()
    {
        for (var i = 0; i < _deadlines.Length && State != T30State.Complete; i++)
        {
            if (_deadlines[i] is { } d && d <= _now)
            {
                _deadlines[i] = null;
                if (Sending)
                {
                    OnSendTimer((T30Timer)i);
                }
                else
                {
                    OnTimer((T30Timer)i);
                }
            }
        }
    }

    private bool Sending => _sending;

    /// <summary>We placed the call, so the DIS comes to us (whether we then send or poll).</summary>
    private bool Calling => _options.Direction != T30Direction.Receive;

    private void Arm(T30Timer timer) => _deadlines[(int)timer] = _now + _options.Timer(timer);

    private void Disarm(T30Timer timer) => _deadlines[(int)timer] = null;

    private void DisarmAll() => Array.Clear(_deadlines);

    private void Emit(T30Action action) => _actions.Add(action);

    private void Listen(T30Listen what) => Emit(new T30Action { Kind = T30ActionKind.Listen, Listen = what, Rate = _dcs?.Rate ?? default });

    /// <summary>Sends frames (the last one final) and keeps them for a CRP.</summary>
    private void Send(params (T30FrameType Type, byte[] Fif)[] frames)
    {
        _lastSent.Clear();
        for (var i = 0; i < frames.Length; i++)
        {
            var buffer = new byte[3 + frames[i].Fif.Length];
            // T.30 §5.3.6.1.1: X = 1 in frames from the station that received DIS, which is the caller
            // whether it sends or polls; a polled answerer (it received DTC) keeps X = 0.
            T30Frame.Write(buffer, frames[i].Type, x: Calling, isFinal: i == frames.Length - 1, frames[i].Fif);
            _lastSent.Add(buffer);
        }

        Emit(new T30Action { Kind = T30ActionKind.SendFrames, Frames = [.. _lastSent] });
    }

    private void Resend()
    {
        if (_lastSent.Count > 0)
        {
            Emit(new T30Action { Kind = T30ActionKind.SendFrames, Frames = [.. _lastSent] });
        }
    }

    private void Finish(T30Completion completion, string detail, bool sendDcn)
    {
        if (sendDcn)
        {
            Send((T30FrameType.Dcn, []));
        }

        DisarmAll();
        State = T30State.Complete;
        Result = new T30Result(completion, detail, _pagesReceived, _remoteIdent, _dcs, _pagesSent)
        {
            RemoteSubAddress = _remoteSub,
            RemoteSenderId = _remoteSid,
            RemoteNonStandard = _remoteNonStandard,
        };
        Emit(new T30Action { Kind = T30ActionKind.CallComplete });
    }
}
