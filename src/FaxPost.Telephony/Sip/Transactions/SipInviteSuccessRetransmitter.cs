namespace FaxPost.Telephony.Sip.Transactions;

/// <summary>
/// The UAS core's 2xx retransmission for an INVITE (RFC 3261 §13.3.1.4): the INVITE server
/// transaction ends on 2xx, so the TU itself resends the 2xx at T1, doubling up to T2, until the
/// ACK arrives; without ACK after 64*T1 the dialog must be ended with BYE. The intervals are those
/// of timers G and H, so they are reported under those names.
/// </summary>
public sealed class SipInviteSuccessRetransmitter : SipTransaction
{
    private readonly byte[] _response;

    public SipInviteSuccessRetransmitter(SipOutgoingMessage response, bool reliable, SipTimerSettings? timers = null)
        : base(SipTransactionState.Completed, reliable, timers ?? SipTimerSettings.Default)
    {
        if (response.StatusCode is < 200 or >= 300)
        {
            throw new ArgumentException("Only a 2xx is retransmitted by the UAS core.", nameof(response));
        }

        _response = response.ToArray();
    }

    public IReadOnlyList<SipTransactionAction> Start(TimeSpan now)
    {
        BeginEvent();
        Emit(new SipTransactionAction.Send(_response, false));
        if (!IsReliable)
        {
            Start(SipTimer.G, now, Timers.T1);
        }

        Start(SipTimer.H, now, Timers.TransactionTimeout);
        return EndEvent();
    }

    /// <summary>A retransmitted INVITE gets the 2xx again; the ACK ends the retransmissions.</summary>
    public IReadOnlyList<SipTransactionAction> OnRequest(SipRequest request, TimeSpan now)
    {
        BeginEvent();
        if (State == SipTransactionState.Completed)
        {
            if (request.Method == SipMethods.Ack)
            {
                Emit(new SipTransactionAction.AckReceived(request));
                Terminate();
            }
            else if (request.Method == SipMethods.Invite)
            {
                Emit(new SipTransactionAction.Send(_response, true));
            }
        }

        return EndEvent();
    }

    private protected override void Fire(SipTimer timer, TimeSpan interval, TimeSpan dueAt)
    {
        switch (timer)
        {
            case SipTimer.G:
                Emit(new SipTransactionAction.Send(_response, true));
                Start(SipTimer.G, dueAt, TimeSpan.FromTicks(Math.Min((interval * 2).Ticks, Timers.T2.Ticks)));
                break;
            case SipTimer.H:
                Emit(new SipTransactionAction.TimedOut(SipTimer.H));
                Terminate();
                break;
        }
    }
}
