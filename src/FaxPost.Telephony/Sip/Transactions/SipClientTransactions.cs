namespace FaxPost.Telephony.Sip.Transactions;

/// <summary>
/// INVITE client transaction (RFC 3261 §17.1.1, Figure 5): Calling → Proceeding → Completed →
/// Terminated, timers A (retransmit, doubling), B (timeout) and D (absorb response retransmissions).
/// A 2xx ends the transaction at once; its ACK belongs to the dialog (§13.2.2.4).
/// </summary>
public sealed class SipInviteClientTransaction : SipTransaction
{
    private readonly SipOutgoingMessage _request;
    private readonly byte[] _requestBytes;
    private byte[]? _ack;

    public SipInviteClientTransaction(SipOutgoingMessage invite, bool reliable, SipTimerSettings? timers = null)
        : base(SipTransactionState.Calling, reliable, timers ?? SipTimerSettings.Default)
    {
        if (invite.Method != SipMethods.Invite)
        {
            throw new ArgumentException("Not an INVITE.", nameof(invite));
        }

        _request = invite;
        _requestBytes = invite.ToArray();
    }

    public IReadOnlyList<SipTransactionAction> Start(TimeSpan now)
    {
        BeginEvent();
        Emit(new SipTransactionAction.Send(_requestBytes, false));
        if (!IsReliable)
        {
            Start(SipTimer.A, now, Timers.T1);
        }

        Start(SipTimer.B, now, Timers.TransactionTimeout);
        return EndEvent();
    }

    public IReadOnlyList<SipTransactionAction> OnResponse(SipResponse response, TimeSpan now)
    {
        BeginEvent();
        switch (State)
        {
            case SipTransactionState.Calling or SipTransactionState.Proceeding when response.StatusCode < 200:
                Stop(SipTimer.A);
                Stop(SipTimer.B);
                State = SipTransactionState.Proceeding;
                Emit(new SipTransactionAction.DeliverResponse(response));
                break;
            case SipTransactionState.Calling or SipTransactionState.Proceeding when response.StatusCode < 300:
                Emit(new SipTransactionAction.DeliverResponse(response));
                Terminate();
                break;
            case SipTransactionState.Calling or SipTransactionState.Proceeding:
                Stop(SipTimer.A);
                Stop(SipTimer.B);
                _ack = BuildAck(response).ToArray();
                Emit(new SipTransactionAction.Send(_ack, false));
                Emit(new SipTransactionAction.DeliverResponse(response));
                State = SipTransactionState.Completed;
                StartAbsorbing(SipTimer.D, now, Timers.TimerDUnreliable);
                break;
            case SipTransactionState.Completed when response.StatusCode >= 300:
                // §17.1.1.2: a retransmitted final response gets the ACK again, and is not passed up.
                Emit(new SipTransactionAction.Send(_ack!, true));
                break;
        }

        return EndEvent();
    }

    private protected override void Fire(SipTimer timer, TimeSpan interval, TimeSpan dueAt)
    {
        switch (timer)
        {
            case SipTimer.A when State == SipTransactionState.Calling:
                Emit(new SipTransactionAction.Send(_requestBytes, true));
                Start(SipTimer.A, dueAt, interval * 2);
                break;
            case SipTimer.B when State == SipTransactionState.Calling:
                Emit(new SipTransactionAction.TimedOut(SipTimer.B));
                Terminate();
                break;
            case SipTimer.D when State == SipTransactionState.Completed:
                Terminate();
                break;
        }
    }

    /// <summary>RFC 3261 §17.1.1.3: the ACK for a non-2xx final response, built by the transaction.</summary>
    private SipOutgoingMessage BuildAck(SipResponse response)
    {
        var ack = SipOutgoingMessage.Request(SipMethods.Ack, _request.RequestUri!);
        var topVia = SipTextReader.SplitList(_request.Get(SipHeaderKind.Via) ?? string.Empty)[0];
        ack.Add(SipHeaderKind.Via, topVia);
        foreach (var route in _request.GetAll(SipHeaderKind.Route))
        {
            ack.Add(SipHeaderKind.Route, route);
        }

        ack.Add(SipHeaderKind.MaxForwards, "70");
        ack.Add(SipHeaderKind.From, _request.Get(SipHeaderKind.From) ?? string.Empty);
        ack.Add(SipHeaderKind.To, response.GetHeader(SipHeaderKind.To) ?? string.Empty);
        ack.Add(SipHeaderKind.CallId, _request.Get(SipHeaderKind.CallId) ?? string.Empty);
        var cseq = SipCSeq.TryParse(_request.Get(SipHeaderKind.CSeq), out var c) ? c.Number : 1u;
        ack.Add(SipHeaderKind.CSeq, $"{cseq} ACK");
        return ack;
    }
}

/// <summary>
/// Non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6): Trying → Proceeding → Completed →
/// Terminated, timers E (retransmit, doubling up to T2), F (timeout) and K (absorb).
/// </summary>
public sealed class SipNonInviteClientTransaction : SipTransaction
{
    private readonly byte[] _requestBytes;

    public SipNonInviteClientTransaction(SipOutgoingMessage request, bool reliable, SipTimerSettings? timers = null)
        : base(SipTransactionState.Trying, reliable, timers ?? SipTimerSettings.Default)
    {
        if (request.Method is SipMethods.Invite or SipMethods.Ack or null)
        {
            throw new ArgumentException("Not a non-INVITE request (ACK has no transaction).", nameof(request));
        }

        _requestBytes = request.ToArray();
    }

    public IReadOnlyList<SipTransactionAction> Start(TimeSpan now)
    {
        BeginEvent();
        Emit(new SipTransactionAction.Send(_requestBytes, false));
        if (!IsReliable)
        {
            Start(SipTimer.E, now, Timers.T1);
        }

        Start(SipTimer.F, now, Timers.TransactionTimeout);
        return EndEvent();
    }

    public IReadOnlyList<SipTransactionAction> OnResponse(SipResponse response, TimeSpan now)
    {
        BeginEvent();
        if (State is SipTransactionState.Trying or SipTransactionState.Proceeding)
        {
            Emit(new SipTransactionAction.DeliverResponse(response));
            if (response.StatusCode < 200)
            {
                State = SipTransactionState.Proceeding;
            }
            else
            {
                Stop(SipTimer.E);
                Stop(SipTimer.F);
                State = SipTransactionState.Completed;
                StartAbsorbing(SipTimer.K, now, Timers.T4);
            }
        }

        return EndEvent();
    }

    private protected override void Fire(SipTimer timer, TimeSpan interval, TimeSpan dueAt)
    {
        switch (timer)
        {
            case SipTimer.E when State is SipTransactionState.Trying or SipTransactionState.Proceeding:
                Emit(new SipTransactionAction.Send(_requestBytes, true));

                // §17.1.2.2: in Trying the interval doubles up to T2; in Proceeding it is T2.
                var next = State == SipTransactionState.Proceeding ? Timers.T2 : TimeSpan.FromTicks(Math.Min((interval * 2).Ticks, Timers.T2.Ticks));
                Start(SipTimer.E, dueAt, next);
                break;
            case SipTimer.F when State is SipTransactionState.Trying or SipTransactionState.Proceeding:
                Emit(new SipTransactionAction.TimedOut(SipTimer.F));
                Terminate();
                break;
            case SipTimer.K when State == SipTransactionState.Completed:
                Terminate();
                break;
        }
    }
}
