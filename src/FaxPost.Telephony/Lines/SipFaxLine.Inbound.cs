using FaxPost.Core.Lines;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Lines;

/// <summary>
/// Inbound calls: the door check (trunk addresses, rate limit), the trunk's channel limit, the
/// numbers, the post office's decision, answer, T.38 and the pages. Nothing here can place a call:
/// an INVITE, whatever number it names, only ever ends in a received fax or a refusal (seed 002).
/// </summary>
public sealed partial class SipFaxLine
{
    private async Task OnIncomingCallAsync(SipIncomingCall incoming, CancellationToken ct)
    {
        await RefreshGuardAsync(ct).ConfigureAwait(false);
        InboundVerdict verdict;
        lock (_guardLock)
        {
            verdict = _guard!.Check(incoming.Invite, incoming.Source.EndPoint.Address, Now);
        }

        if (!verdict.Accepted)
        {
            if (verdict.Kind == InboundVerdictKind.Drop)
            {
                if (verdict.Log)
                {
                    SipFaxLineLog.Flood(_log, verdict.Reason);
                }

                incoming.Reject(503);
            }
            else
            {
                SipFaxLineLog.Refused(_log, "INVITE", incoming.Source.ToString(), verdict.Reason);
                incoming.Reject(verdict.Status);
            }

            return;
        }

        var trunk = verdict.Trunk!;
        var line = LineName(trunk);
        if (_sink is not { } sink)
        {
            Reject(incoming, trunk, 480, "the post office is not taking calls yet");
            return;
        }

        if (trunk.T38 == T38Policy.AudioOnly && !incoming.OffersT38)
        {
            Reject(incoming, trunk, 488, "the trunk is audio only, and fax over G.711 is not supported yet");
            return;
        }

        if (!_channels.TryAcquire(trunk))
        {
            Reject(incoming, trunk, 486, $"all {trunk.Channels} channel(s) of the trunk are in use");
            return;
        }

        var started = Now;
        InboundReception? reception = null;
        try
        {
            var numbers = InboundCallNumbers.From(incoming.Invite, trunk, _plan);
            SipFaxLineLog.Inbound(_log, incoming.CallId, trunk.Name, numbers.CallerNumber, numbers.DialledNumber);
            reception = await sink.OfferAsync(new IncomingCall(line, numbers.CallerNumber, numbers.DialledNumber, incoming.CallId), ct).ConfigureAwait(false);
            if (reception is null)
            {
                Reject(incoming, trunk, 486, "the post office refused the call (no free line or no disk space)");
                return;
            }

            incoming.Ring();
            SipCall call;
            try
            {
                call = await incoming.AnswerAsync(ct).ConfigureAwait(false);
            }
            catch (SipCallException e)
            {
                await reception.CompleteAsync(0, new CallOutcome(CallResult.TemporaryFailure, 0, null, Now - started, e.Message, line), CancellationToken.None).ConfigureAwait(false);
                SipFaxLineLog.InboundEnded(_log, incoming.CallId, trunk.Name, 0, e.Message);
                return;
            }

            var localIdent = FaxIdent(_options.Endpoint.LocalIdent)
                ?? (numbers.DialledNumber is { } d && d.StartsWith('+') ? FaxIdent(d) : null)
                ?? _options.Numbering.BaseE164;
            var fax = await call.ReceiveFaxAsync(
                reception.DocumentPath,
                FaxOptions(trunk, localIdent, _options.Endpoint.Capabilities, $"inbound {incoming.CallId}"),
                (tsi, sub, token) => reception.IdentifiedAsync(tsi.Length == 0 ? null : tsi, sub.Length == 0 ? null : sub, token),
                ct).ConfigureAwait(false);
            var outcome = ToOutcome(fax, line, Now - started);
            var pages = fax.Fax?.Pages ?? 0;
            await reception.CompleteAsync(pages, outcome, CancellationToken.None).ConfigureAwait(false);
            SipFaxLineLog.InboundEnded(_log, incoming.CallId, trunk.Name, pages, outcome.Reason);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            if (reception is not null)
            {
                await reception.CompleteAsync(0, new CallOutcome(CallResult.TemporaryFailure, 0, null, Now - started, "the server stopped", line), CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _channels.Release(trunk);
        }
    }

    private void Reject(SipIncomingCall incoming, SipTrunkOptions trunk, int status, string reason)
    {
        SipFaxLineLog.InboundRejected(_log, incoming.CallId, trunk.Name, status, reason);
        incoming.Reject(status);
    }
}
