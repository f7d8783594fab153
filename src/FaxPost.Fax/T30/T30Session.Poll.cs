namespace FaxPost.Fax.T30;

/// <summary>
/// Polling (T.30 §5.3.2 and Figure 5-2): the caller that receives and the answerer that sends. Neither
/// has a procedure of its own: after the DIS/DTC exchange each switches role and goes on with the
/// receiving or the sending code.
/// </summary>
public sealed partial class T30Session
{
    /// <summary>We called to poll (receive) rather than to send.</summary>
    private bool Polling => _options.Direction == T30Direction.Poll;

    /// <summary>Calling and polling: the answerer's DIS came.</summary>
    private void OnDisToPoll(DisFrame dis)
    {
        // T.30 Table 2 bit 9: without a document ready to transmit there is nothing to poll.
        if (!dis.ReadyToTransmit)
        {
            Finish(T30Completion.NothingToPoll, "the far end's DIS offers no document to poll (bit 9 clear)", sendDcn: true);
            return;
        }

        // From here on we are the receiving terminal: CIG and DTC (repeated on T4 like a DIS), then the
        // polled station's TSI/DCS, TCF and pages, up to its DCN.
        DisarmAll();
        _sending = false;
        Arm(T30Timer.T1);
        SendDis();
    }

    /// <summary>Answering: the caller's DTC came; it wants our document.</summary>
    private void OnDtc(in T30Frame frame)
    {
        if (!_options.OfferForPolling)
        {
            Finish(T30Completion.NothingToPoll, "DTC, but no document is offered for polling", sendDcn: true);
            return;
        }

        if (!DisFrame.TryParse(frame.Fif, out var dtc, out var error))
        {
            Finish(T30Completion.UnexpectedFrame, $"DTC: {error}", sendDcn: true);
            return;
        }

        // T.30 §5.3.2: the polled station answers a DTC as a caller answers a DIS (TSI, DCS, TCF, pages),
        // choosing the mode from the DTC's capabilities by the same rules.
        DisarmAll();
        _sending = true;
        StartSending(dtc);
    }
}
