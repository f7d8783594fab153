using FaxPost.Fax.T30;

namespace FaxPost.Telephony.T38;

/// <summary>Polling (T.30 §5.3.2, Figure 5-2): calling to receive a document, and answering with one to be polled.</summary>
public sealed partial class T38Endpoint
{
    /// <summary>
    /// Calls <see cref="T38EndpointOptions.Peer"/> and polls it: when its DIS offers a document (bit 9)
    /// we send DTC and receive the pages into a new TIFF-F at <paramref name="output"/>, each one written
    /// and flushed to disk as it is confirmed, as <see cref="ReceiveAsync(string, Func{string, string, CancellationToken, Task}?, CancellationToken)"/>
    /// does. A far end with nothing to poll ends the call with <see cref="T30Completion.NothingToPoll"/>.
    /// <paramref name="identified"/> gets the polled station's TSI before the first page.
    /// </summary>
    public async Task<T38CallResult> PollAsync(string output, Func<string, string, CancellationToken, Task>? identified = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_options.Peer is null)
        {
            throw new InvalidOperationException("polling needs a peer address");
        }

        Claim();
        _start = _time.GetTimestamp();
        _calling = true;
        _identified = identified;
        var session = new T30SessionOptions
        {
            Direction = T30Direction.Poll,
            Capabilities = _options.Capabilities,
            LocalIdent = _options.LocalIdent,
            T1 = _options.T1,
        };
        return await RunAsync(session, _ =>
        {
            OpenSink(output);
            return Task.CompletedTask;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers offering the TIFF-F at <paramref name="offer"/> to be polled: our DIS says a document is
    /// ready (bit 9). A caller that polls (DTC) gets its pages, sent as <see cref="SendAsync"/> sends them
    /// (<paramref name="pageConfirmed"/> as there); a caller that sends (DCS) is received from into a new
    /// TIFF-F at <paramref name="output"/>, created only then. <see cref="T38CallResult.Transmitted"/> says
    /// which happened.
    /// </summary>
    public async Task<T38CallResult> ReceiveOfferingAsync(
        string output,
        string offer,
        Func<int, CancellationToken, Task>? pageConfirmed = null,
        Func<string, string, CancellationToken, Task>? identified = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(offer);
        Claim();
        _start = _time.GetTimestamp();
        if (await LoadSourceAsync(offer, 0, int.MaxValue, ct).ConfigureAwait(false) is { } unreadable)
        {
            return unreadable;
        }

        _pageConfirmed = pageConfirmed;
        _identified = identified;
        _deferredOutput = output;
        var session = new T30SessionOptions
        {
            Direction = T30Direction.Receive,
            OfferForPolling = true,
            Capabilities = _options.Capabilities,
            LocalIdent = _options.LocalIdent,
            SendResolution = _options.SendResolution ?? _source!.Resolution,
            SendWidth = _source!.Width,
            T1 = _options.T1,
        };
        return await RunAsync(session, null, ct).ConfigureAwait(false);
    }
}
