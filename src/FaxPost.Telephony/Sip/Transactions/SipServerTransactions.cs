namespace FaxPost.Telephony.Sip.Transactions;

/// <summary>
/// INVITE server transaction (RFC 3261 §17.2.1, Figure 7): Proceeding → Completed → Confirmed →
/// Terminated, timers G (retransmit the final response), H (wait for ACK) and I (absorb ACKs).
/// A 2xx from the TU ends the transaction; the TU retransmits 2xx itself (§13.3.1.4).
/// </summary>
public sealed class SipInviteServerTransaction : SipTransaction
{
    private byte[]? _lastResponse;

    public SipInviteServerTransaction(bool reliable, SipTimerSettings? timers = null)
        : base(SipTransactionState.Proceeding, reliable, timers ?? SipTimerSettings.Default)
    {
    }

    /// <summary>The INVITE arrived: §17.2.1 has the transaction answer 100 Trying unless the TU answers within 200 ms; we always send it.</summary>
    public IReadOnlyList<SipTransactionAction> Start(SipRequest invite, TimeSpan now)
    {
        BeginEvent();
        _lastResponse = SipOutgoingMessage.ResponseTo(invite, 100).ToArray();
        Emit(new SipTransactionAction.Send(_lastResponse, false));
        return EndEvent();
    }

    /// <summary>A retransmitted INVITE, or the ACK for our non-2xx final response.</summary>
    public IReadOnlyList<SipTransactionAction> OnRequest(SipRequest request, TimeSpan now)
    {
        BeginEvent();
        var isAck = request.Method == SipMethods.Ack;
        switch (State)
        {
            case SipTransactionState.Proceeding or SipTransactionState.Completed when !isAck && _lastResponse is not null:
                Emit(new SipTransactionAction.Send(_lastResponse, true));
                break;
            case SipTransactionState.Completed when isAck:
                Stop(SipTimer.G);
                Stop(SipTimer.H);
                State = SipTransactionState.Confirmed;
                Emit(new SipTransactionAction.AckReceived(request));
                StartAbsorbing(SipTimer.I, now, Timers.T4);
                break;
        }

        return EndEvent();
    }

    /// <summary>The TU sends a response through the transaction.</summary>
    public IReadOnlyList<SipTransactionAction> Respond(SipOutgoingMessage response, TimeSpan now)
    {
        BeginEvent();
        if (State != SipTransactionState.Proceeding)
        {
            throw new InvalidOperationException($"Cannot respond in state {State}.");
        }

        _lastResponse = response.ToArray();
        Emit(new SipTransactionAction.Send(_lastResponse, false));
        if (response.StatusCode is >= 200 and < 300)
        {
            Terminate();
        }
        else if (response.StatusCode >= 300)
        {
            State = SipTransactionState.Completed;
            if (!IsReliable)
            {
                Start(SipTimer.G, now, Timers.T1);
            }

            Start(SipTimer.H, now, Timers.TransactionTimeout);
        }

        return EndEvent();
    }

    private protected override void Fire(SipTimer timer, TimeSpan interval, TimeSpan dueAt)
    {
        switch (timer)
        {
            case SipTimer.G when State == SipTransactionState.Completed:
                Emit(new SipTransactionAction.Send(_lastResponse!, true));
                Start(SipTimer.G, dueAt, TimeSpan.FromTicks(Math.Min((interval * 2).Ticks, Timers.T2.Ticks)));
                break;
            case SipTimer.H when State == SipTransactionState.Completed:
                Emit(new SipTransactionAction.TimedOut(SipTimer.H));
                Terminate();
                break;
            case SipTimer.I when State == SipTransactionState.Confirmed:
                Terminate();
                break;
        }
    }
}

/// <summary>
/// Non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8): Trying → Proceeding → Completed →
/// Terminated; timer J absorbs request retransmissions after the final response.
/// </summary>
public sealed class SipNonInviteServerTransaction : SipTransaction
{
    private byte[]? _lastResponse;

    public SipNonInviteServerTransaction(bool reliable, SipTimerSettings? timers = null)
        : base(SipTransactionState.Trying, reliable, timers ?? SipTimerSettings.Default)
    {
    }

    /// <summary>A retransmission of the request: answered with the last response, or absorbed in Trying.</summary>
    public IReadOnlyList<SipTransactionAction> OnRequest(SipRequest request, TimeSpan now)
    {
        BeginEvent();
        if (State is SipTransactionState.Proceeding or SipTransactionState.Completed && _lastResponse is not null)
        {
            Emit(new SipTransactionAction.Send(_lastResponse, true));
        }

        return EndEvent();
    }

    public IReadOnlyList<SipTransactionAction> Respond(SipOutgoingMessage response, TimeSpan now)
    {
        BeginEvent();
        if (State is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
        {
            throw new InvalidOperationException($"Cannot respond in state {State}.");
        }

        _lastResponse = response.ToArray();
        Emit(new SipTransactionAction.Send(_lastResponse, false));
        if (response.StatusCode < 200)
        {
            State = SipTransactionState.Proceeding;
        }
        else
        {
            State = SipTransactionState.Completed;
            StartAbsorbing(SipTimer.J, now, Timers.TransactionTimeout);
        }

        return EndEvent();
    }

    private protected override void Fire(SipTimer timer, TimeSpan interval, TimeSpan dueAt)
    {
        if (timer == SipTimer.J && State == SipTransactionState.Completed)
        {
            Terminate();
        }
    }
}
