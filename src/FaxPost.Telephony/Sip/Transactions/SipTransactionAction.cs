namespace FaxPost.Telephony.Sip.Transactions;

/// <summary>What a transaction asks its owner to do after an event. Transactions never do I/O themselves.</summary>
public abstract record SipTransactionAction
{
    private SipTransactionAction()
    {
    }

    /// <summary>Put these bytes on the transport (a first send or a retransmission).</summary>
    public sealed record Send(ReadOnlyMemory<byte> Message, bool IsRetransmission) : SipTransactionAction
    {
        public override string ToString() => IsRetransmission ? "Send(retransmission)" : "Send";
    }

    /// <summary>Hand a response to the transaction user (client transactions).</summary>
    public sealed record DeliverResponse(SipResponse Response) : SipTransactionAction
    {
        public override string ToString() => $"DeliverResponse({Response.StatusCode})";
    }

    /// <summary>A server INVITE transaction got the ACK for its non-2xx final response (RFC 3261 §17.2.1).</summary>
    public sealed record AckReceived(SipRequest Ack) : SipTransactionAction;

    /// <summary>Timer B, F or H fired: the TU learns of a timeout (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1).</summary>
    public sealed record TimedOut(SipTimer Timer) : SipTransactionAction;

    public sealed record TransportFailed : SipTransactionAction;

    /// <summary>The transaction is over and can be removed from the table.</summary>
    public sealed record Terminated : SipTransactionAction;
}
