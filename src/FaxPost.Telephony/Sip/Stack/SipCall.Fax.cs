using FaxPost.Telephony.Sdp;
using FaxPost.Telephony.T38;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>Running a fax over T.38 on the call once SDP agrees on m=image udptl t38.</summary>
public sealed partial class SipCall
{
    /// <summary>
    /// Sends the TIFF-F at <paramref name="document"/> (pages from <paramref name="firstPage"/>):
    /// gets T.38 agreed per <see cref="SipFaxOptions.Policy"/>, runs <see cref="T38Endpoint.SendAsync"/>
    /// towards the peer's UDPTL address, and hangs up. A BYE from the peer cancels the fax (the pages
    /// confirmed so far are in the result).
    /// </summary>
    public Task<SipFaxResult> SendFaxAsync(
        string document, SipFaxOptions options, int firstPage = 0, int pageCount = int.MaxValue,
        Func<int, CancellationToken, Task>? pageConfirmed = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return RunFaxAsync(options, receiving: false, (endpoint, token) => endpoint.SendAsync(document, firstPage, pageCount, pageConfirmed, token), ct);
    }

    /// <summary>Receives a fax into a new TIFF-F at <paramref name="output"/> (pages written as confirmed).</summary>
    public Task<SipFaxResult> ReceiveFaxAsync(
        string output, SipFaxOptions options, Func<string, string, CancellationToken, Task>? identified = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return RunFaxAsync(options, receiving: true, (endpoint, token) => endpoint.ReceiveAsync(output, identified, token), ct);
    }

    private async Task<SipFaxResult> RunFaxAsync(SipFaxOptions options, bool receiving, Func<T38Endpoint, CancellationToken, Task<T38CallResult>> run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Interlocked.Exchange(ref _faxRunning, 1) != 0)
        {
            throw new InvalidOperationException("A fax is already running on this call.");
        }

        try
        {
            var setup = await AgreeT38Async(options, ct).ConfigureAwait(false);
            if (setup is not null)
            {
                await HangUpIfUpAsync(options).ConfigureAwait(false);
                return setup with { CallEnd = Ended.IsCompleted ? await Ended.ConfigureAwait(false) : null };
            }

            var agreed = T38!;
            var peer = RemoteT38EndPoint!;
            var endpointOptions = options.Endpoint.WithAgreed(agreed) with { LocalEndPoint = _media.ReleaseImage(), Peer = peer };
            SipStackLog.CallEvent(_ua.Log, CallId, $"T.38 fax starts: local {endpointOptions.LocalEndPoint}, peer {peer}, version {endpointOptions.T38Version}, datagram {endpointOptions.MaxDatagramSize}, {agreed.ErrorCorrection}");
            T38CallResult fax;
            using (var endpoint = new T38Endpoint(endpointOptions, options.Time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _hangup.Token))
            {
                fax = await run(endpoint, linked.Token).ConfigureAwait(false);
            }

            var remoteHangUp = Ended.IsCompleted && (await Ended.ConfigureAwait(false)).Reason == SipCallEndReason.RemoteHangUp;
            if (!receiving && !Ended.IsCompleted && fax.End == T38CallEnd.Protocol)
            {
                await Task.WhenAny(Ended, Task.Delay(options.SenderHangUpDelay, _ua.Time, ct)).ConfigureAwait(false);
            }

            await HangUpIfUpAsync(options).ConfigureAwait(false);
            var end = Ended.IsCompleted ? await Ended.ConfigureAwait(false) : null;
            var reason = fax.End == T38CallEnd.Cancelled && remoteHangUp
                ? $"the peer hung up (BYE) during the fax after {fax.Pages} page(s)"
                : fax.Reason;
            return new SipFaxResult { End = SipFaxEnd.FaxRan, Fax = fax, SipStatus = 200, Reason = reason, CallEnd = end };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bad endpoint setting or an I/O failure must not leave the call up.
            await HangUpIfUpAsync(options).ConfigureAwait(false);
            throw;
        }
        finally
        {
            Volatile.Write(ref _faxRunning, 0);
            if (State == SipCallState.Terminated)
            {
                _media.Dispose();
            }
        }
    }

    /// <summary>Null when T.38 is agreed; else the result that ends the fax before it started.</summary>
    private async Task<SipFaxResult?> AgreeT38Async(SipFaxOptions options, CancellationToken ct)
    {
        if (T38 is not null)
        {
            return null;
        }

        if (State == SipCallState.Terminated)
        {
            return new SipFaxResult { End = SipFaxEnd.CallEnded, Reason = "the call ended before T.38 was agreed" };
        }

        switch (options.Policy)
        {
            case SipT38Policy.Offer:
                var result = await SwitchToT38Async(ct).ConfigureAwait(false);
                if (result.T38Agreed)
                {
                    return null;
                }

                return State == SipCallState.Terminated
                    ? new SipFaxResult { End = SipFaxEnd.CallEnded, SipStatus = result.StatusCode, Reason = "the call ended before T.38 was agreed" }
                    : new SipFaxResult
                    {
                        End = SipFaxEnd.T38Refused,
                        SipStatus = result.StatusCode,
                        Reason = $"the peer refused T.38 ({result.StatusCode} {result.ReasonPhrase}): an audio-only peer; G.711 fax is not supported yet",
                    };
            case SipT38Policy.Wait:
                if (await WaitForT38Async(options.WaitForT38, ct).ConfigureAwait(false))
                {
                    return null;
                }

                return State == SipCallState.Terminated
                    ? new SipFaxResult { End = SipFaxEnd.CallEnded, Reason = "the call ended before the peer switched to T.38" }
                    : new SipFaxResult { End = SipFaxEnd.NoT38, Reason = $"the peer stayed on audio for {options.WaitForT38.TotalSeconds:0} s (no T.38 re-INVITE); G.711 fax is not supported yet" };
            default:
                return new SipFaxResult { End = SipFaxEnd.NoT38, Reason = "the call is audio only by policy; G.711 fax is not supported yet" };
        }
    }

    private async Task HangUpIfUpAsync(SipFaxOptions options)
    {
        if (options.HangUpAfterFax && State == SipCallState.Established)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            try
            {
                await HangUpAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
