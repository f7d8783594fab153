namespace FaxPost.Telephony.Sip.Transactions;

/// <summary>
/// Common part of the four RFC 3261 §17 state machines: the state, the running timers as absolute
/// deadlines on the caller's clock, and the list of actions an event produced. Time is always an
/// argument (a monotonic <see cref="TimeSpan"/> from the caller's TimeProvider); nothing here reads a clock.
/// </summary>
public abstract class SipTransaction
{
    private readonly Dictionary<SipTimer, (TimeSpan Due, TimeSpan Interval)> _timers = [];
    private List<SipTransactionAction> _actions = [];

    private protected SipTransaction(SipTransactionState initial, bool reliable, SipTimerSettings timers)
    {
        State = initial;
        IsReliable = reliable;
        Timers = timers;
    }

    public SipTransactionState State { get; private protected set; }

    /// <summary>TCP/TLS: no retransmissions, and the absorbing timers D, I, J, K are zero.</summary>
    public bool IsReliable { get; }

    public SipTimerSettings Timers { get; }

    /// <summary>When <see cref="OnTimer"/> should next be called, or null when no timer runs.</summary>
    public TimeSpan? NextDeadline => _timers.Count == 0 ? null : _timers.Values.Min(t => t.Due);

    public bool IsRunning(SipTimer timer) => _timers.ContainsKey(timer);

    public TimeSpan? DueOf(SipTimer timer) => _timers.TryGetValue(timer, out var t) ? t.Due : null;

    /// <summary>Fires every timer due at <paramref name="now"/>, earliest first.</summary>
    public IReadOnlyList<SipTransactionAction> OnTimer(TimeSpan now)
    {
        BeginEvent();
        while (State != SipTransactionState.Terminated)
        {
            SipTimer? next = null;
            var nextDue = TimeSpan.MaxValue;
            foreach (var (timer, (due, _)) in _timers)
            {
                if (due <= now && due < nextDue)
                {
                    next = timer;
                    nextDue = due;
                }
            }

            if (next is not SipTimer fired)
            {
                break;
            }

            var interval = _timers[fired].Interval;
            _timers.Remove(fired);
            Fire(fired, interval, nextDue);
        }

        return EndEvent();
    }

    /// <summary>The transport reported it could not send (RFC 3261 §17.1.4, §17.2.4).</summary>
    public IReadOnlyList<SipTransactionAction> OnTransportError()
    {
        BeginEvent();
        if (State != SipTransactionState.Terminated)
        {
            Emit(new SipTransactionAction.TransportFailed());
            Terminate();
        }

        return EndEvent();
    }

    private protected abstract void Fire(SipTimer timer, TimeSpan interval, TimeSpan dueAt);

    private protected void BeginEvent() => _actions = [];

    private protected IReadOnlyList<SipTransactionAction> EndEvent() => _actions;

    private protected void Emit(SipTransactionAction action) => _actions.Add(action);

    /// <summary>Starts (or restarts) a timer; a zero duration on a reliable transport fires at once on the next tick.</summary>
    private protected void Start(SipTimer timer, TimeSpan now, TimeSpan interval) => _timers[timer] = (now + interval, interval);

    private protected void Stop(SipTimer timer) => _timers.Remove(timer);

    private protected void Terminate()
    {
        _timers.Clear();
        State = SipTransactionState.Terminated;
        Emit(new SipTransactionAction.Terminated());
    }

    /// <summary>A timer that is zero on reliable transports ends the state at once instead of waiting.</summary>
    private protected void StartAbsorbing(SipTimer timer, TimeSpan now, TimeSpan unreliable)
    {
        if (IsReliable)
        {
            Terminate();
        }
        else
        {
            Start(timer, now, unreliable);
        }
    }
}
