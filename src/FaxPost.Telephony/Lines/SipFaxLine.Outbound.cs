using FaxPost.Core.Lines;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Lines;

/// <summary>Outbound jobs: least-cost trunk choice with fall-back, the INVITE, T.38 and the fax.</summary>
public sealed partial class SipFaxLine
{
    public async Task<CallOutcome> PlaceCallAsync(OutboundCall call, ICallReporter reporter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(reporter);
        var started = Now;
        var candidates = _router.Candidates(call.E164);
        if (candidates.Count == 0)
        {
            return new CallOutcome(CallResult.PermanentFailure, 0, null, TimeSpan.Zero, $"no trunk of line {Name} carries {call.E164}", Name);
        }

        await StartAsync(ct).ConfigureAwait(false);
        CallOutcome? last = null;
        var tried = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var trunk = candidates[i];
            if (!_channels.TryAcquire(trunk))
            {
                continue;
            }

            tried++;
            SipCallFailure? failure;
            try
            {
                var (outcome, trunkFailure) = await CallOnTrunkAsync(call, reporter, trunk, i, candidates.Count, started, ct).ConfigureAwait(false);
                if (outcome is not null)
                {
                    _fallback.Record(call.E164, outcome.Result == CallResult.Success);
                    SipFaxLineLog.CallEnded(_log, call.JobId, trunk.Name, outcome.Result.ToString(), outcome.PagesConfirmed, outcome.Reason);
                    return outcome;
                }

                failure = trunkFailure!.Value;
            }
            finally
            {
                _channels.Release(trunk);
            }

            last = failure.Value.ToOutcome(LineName(trunk), Now - started);
            if (!failure.Value.TryAnotherTrunk)
            {
                break;
            }

            SipFaxLineLog.NextTrunk(_log, call.JobId, trunk.Name, failure.Value.Reason);
        }

        if (last is null)
        {
            // Every trunk for this number is busy with other calls: a line problem, not the destination's.
            return new CallOutcome(CallResult.LineUnavailable, 0, null, TimeSpan.Zero, $"every trunk that carries {call.E164} is busy ({string.Join(", ", candidates.Select(t => t.Name))})", Name);
        }

        if (last.Result != CallResult.Busy && last.Result != CallResult.NoAnswer)
        {
            _fallback.Record(call.E164, success: false);
        }

        SipFaxLineLog.CallEnded(_log, call.JobId, last.Line ?? Name, last.Result.ToString(), 0, tried > 1 ? $"{last.Reason} (after {tried} trunks)" : last.Reason);
        return last;
    }

    /// <summary>One try on one trunk: an outcome when the call was answered or failed for the destination, else the trunk's failure.</summary>
    private async Task<(CallOutcome? Outcome, SipCallFailure? Failure)> CallOnTrunkAsync(
        OutboundCall call, ICallReporter reporter, SipTrunkOptions trunk, int index, int count, TimeSpan started, CancellationToken ct)
    {
        if (trunk.T38 == T38Policy.AudioOnly)
        {
            return (null, new SipCallFailure(CallResult.LineUnavailable, true, $"trunk {trunk.Name} is audio only, and fax over G.711 is not supported yet"));
        }

        if (await RegistrationProblemAsync(trunk, ct).ConfigureAwait(false) is { } problem)
        {
            return (null, SipCallFailure.NotRegistered(trunk.Name, problem));
        }

        var fallback = _fallback.ShouldFallBack(call.E164, call.Fallback, trunk);
        var capabilities = fallback ? FaxFallback.Slower(_options.Endpoint.Capabilities, trunk) : _options.Endpoint.Capabilities;
        var dialled = _plan.ToTrunk(call.E164, trunk);
        var callerId = _plan.CallerIdFor(trunk, call.CallerNumber);
        SipFaxLineLog.Dialling(_log, call.JobId, call.E164, trunk.Name, index + 1, count, fallback ? " without ECM at a lower rate" : "");
        reporter.Progress(new CallProgress(CallPhase.Dialling, 0, call.PageCount, null));

        using var ring = new CancellationTokenSource(_options.RingTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, ring.Token);
        var provisional = 0;
        Interlocked.Increment(ref _invitesSent);
        var invite = await _ua!.InviteAsync(
            new SipInviteOptions
            {
                Target = SipTrunkUris.User(trunk, dialled),
                From = SipTrunkUris.User(trunk, callerId ?? (trunk.Username.Length > 0 ? trunk.Username : "faxpost")),
                FromDisplayName = trunk.FromDisplayName.Length > 0 ? trunk.FromDisplayName : null,
                Credentials = trunk.EffectiveAuthUsername.Length > 0 && trunk.Password.Length > 0 ? new Sip.Auth.SipCredentials(trunk.EffectiveAuthUsername, trunk.Password) : null,
                OutboundProxy = SipTrunkUris.OutboundProxy(trunk),
                Offer = SipInviteOffer.Audio,
                Progress = _ => Interlocked.Exchange(ref provisional, 1),
            },
            linked.Token).ConfigureAwait(false);
        if (!invite.IsSuccess)
        {
            ct.ThrowIfCancellationRequested();
            if (ring.IsCancellationRequested)
            {
                return (new CallOutcome(CallResult.NoAnswer, 0, null, Now - started, $"no answer within {_options.RingTimeout.TotalSeconds:0} s", LineName(trunk)), null);
            }

            // A 408 with no provisional response is our own Timer B (RFC 3261 §17.1.1.2): the trunk never spoke.
            var failure = invite.StatusCode == 408 && Volatile.Read(ref provisional) == 0
                ? SipCallFailure.TrunkDown(trunk.Name, "no response to the INVITE")
                : SipCallFailure.FromStatus(invite.StatusCode, invite.ReasonPhrase);
            return failure.TryAnotherTrunk ? (null, failure) : (failure.ToOutcome(LineName(trunk), Now - started), null);
        }

        reporter.Progress(new CallProgress(CallPhase.Connected, 0, call.PageCount, null));
        var localIdent = FaxIdent(call.LocalId) ?? FaxIdent(_options.Endpoint.LocalIdent) ?? FaxIdent(call.CallerNumber) ?? "";
        var fax = await invite.Call!.SendFaxAsync(
            call.FaxDocument,
            FaxOptions(trunk, localIdent, capabilities, $"job {call.JobId}"),
            call.FirstPage,
            call.PageCount,
            async (page, token) =>
            {
                reporter.Progress(new CallProgress(CallPhase.PageConfirmed, page, call.PageCount, null));
                await reporter.PageConfirmedAsync(page, token).ConfigureAwait(false);
            },
            ct).ConfigureAwait(false);
        reporter.Progress(new CallProgress(CallPhase.Finishing, fax.Fax?.Pages ?? 0, call.PageCount, fax.Fax?.RemoteIdent));
        return (ToOutcome(fax, LineName(trunk), Now - started), null);
    }

    /// <summary>Null when the trunk may carry calls; else why not (registration refused or failing).</summary>
    private async Task<string?> RegistrationProblemAsync(SipTrunkOptions trunk, CancellationToken ct)
    {
        if (!_keepers.TryGetValue(trunk.Name, out var keeper))
        {
            return null;
        }

        if (keeper.State == SipRegistrationState.Unregistered)
        {
            // The first REGISTER is still under way: give it a moment.
            await keeper.FirstAttempt.WaitAsync(TimeSpan.FromSeconds(10), _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return keeper.State switch
        {
            SipRegistrationState.Registered => null,
            SipRegistrationState.CredentialsRejected => "the registrar refused our credentials",
            _ => keeper.LastResult is { } r ? $"{r.StatusCode} {r.ReasonPhrase}" : "no answer from the registrar yet",
        };
    }

    /// <summary>
    /// A mailbox's fax ID as T.30 can send it (T.30 §5.3.6.2.4: TSI/CSI are at most 20 of digits,
    /// '+' and space): other characters are dropped; null when nothing is left.
    /// </summary>
    internal static string? FaxIdent(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var kept = new string(text.Where(c => char.IsAsciiDigit(c) || c is '+' or ' ').ToArray()).Trim();
        kept = kept.Length > 20 ? kept[..20].TrimEnd() : kept;
        return kept.Any(char.IsAsciiDigit) ? kept : null;
    }

    /// <summary>The SIP side's result in the post office's terms.</summary>
    internal static CallOutcome ToOutcome(SipFaxResult fax, string line, TimeSpan duration)
    {
        if (fax.End == SipFaxEnd.FaxRan && fax.Fax is { } result)
        {
            return result.ToOutcome(line);
        }

        var failure = fax.End switch
        {
            SipFaxEnd.T38Refused => SipCallFailure.NoT38($"the far end answered our T.38 re-INVITE with {fax.SipStatus} ({fax.Reason})", refused: true),
            SipFaxEnd.NoT38 => SipCallFailure.NoT38(fax.Reason, refused: false),
            _ => new SipCallFailure(CallResult.TemporaryFailure, false, $"the call ended before T.38 was agreed: {fax.Reason}"),
        };
        return failure.ToOutcome(line, duration);
    }
}
