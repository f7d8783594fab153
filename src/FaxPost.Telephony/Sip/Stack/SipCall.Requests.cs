using System.Globalization;
using FaxPost.Telephony.Sdp;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>Requests the peer sends inside the dialog, and the session timer (RFC 4028).</summary>
public sealed partial class SipCall
{
    private ITimer? _sessionTimer;

    internal void OnRequest(SipServerTransaction tx)
    {
        var request = tx.Request;
        int check;
        lock (_ua.Layer.Gate)
        {
            check = _dialog.AcceptRequest(request);
        }

        if (check != 0)
        {
            tx.Respond(check);
            return;
        }

        switch (request.Method)
        {
            case SipMethods.Bye:
                tx.Respond(200);
                Terminate(new SipCallEnd(SipCallEndReason.RemoteHangUp, 200, "the peer hung up (BYE)"));
                break;
            case SipMethods.Invite:
                OnReinvite(tx);
                break;
            case SipMethods.Update:
                OnUpdate(tx);
                break;
            case SipMethods.Options or SipMethods.Info:
                tx.Respond(200);
                break;
            default:
                var notAllowed = tx.CreateResponse(405);
                notAllowed.Add(SipHeaderKind.Allow, SipUserAgent.AllowedMethods);
                tx.Respond(notAllowed);
                break;
        }
    }

    private void OnReinvite(SipServerTransaction tx)
    {
        var request = tx.Request;
        lock (_ua.Layer.Gate)
        {
            // RFC 3261 §14.2: an offer while ours is pending is glare.
            if (_reinviting)
            {
                tx.Respond(491);
                return;
            }
        }

        SdpSessionDescription? offer = null;
        if (!request.Body.IsEmpty && !SdpSessionDescription.TryParse(request.Body.Span, out offer, out var error))
        {
            tx.Respond(400, $"Bad Request (SDP: {error})");
            return;
        }

        SdpSessionDescription body;
        if (offer is null)
        {
            // RFC 3264 §5 via RFC 3261 §14.2: no offer in the re-INVITE, so our 2xx offers and the ACK answers.
            body = _localSdp ?? SdpOfferAnswer.CreateAudioOffer(Capabilities(_sdpVersion));
        }
        else if (IsUnchanged(offer))
        {
            // A session refresh or a repeated offer: answer with our SDP as it is (RFC 3264 §8, same o= version).
            body = _localSdp!;
        }
        else
        {
            body = SdpOfferAnswer.Answer(offer, Capabilities(Interlocked.Increment(ref _sdpVersion)));
            if (body.Media.All(m => m.Port == 0))
            {
                tx.Respond(488);
                return;
            }
        }

        var ok = tx.CreateResponse(200);
        ok.Add(SipHeaderKind.Contact, _dialog.LocalContact ?? _ua.ContactFor(tx.Remote.Transport));
        ok.Add(SipHeaderKind.Allow, SipUserAgent.AllowedMethods);
        AddSessionTimerAnswer(request, ok);
        ok.WithBody(body.ToArray(), "application/sdp");
        if (offer is not null)
        {
            Apply(offer, body, weOffered: false);
        }

        var acked = tx.RespondSuccess(ok);
        _ = AwaitAckAsync(acked, offer is null ? body : null);
    }

    private void OnUpdate(SipServerTransaction tx)
    {
        var request = tx.Request;
        var ok = tx.CreateResponse(200);
        ok.Add(SipHeaderKind.Contact, _dialog.LocalContact ?? _ua.ContactFor(tx.Remote.Transport));
        AddSessionTimerAnswer(request, ok);
        if (!request.Body.IsEmpty)
        {
            if (!SdpSessionDescription.TryParse(request.Body.Span, out var offer, out var error))
            {
                tx.Respond(400, $"Bad Request (SDP: {error})");
                return;
            }

            var answer = IsUnchanged(offer) ? _localSdp! : SdpOfferAnswer.Answer(offer, Capabilities(Interlocked.Increment(ref _sdpVersion)));
            ok.WithBody(answer.ToArray(), "application/sdp");
            Apply(offer, answer, weOffered: false);
        }

        tx.Respond(ok);
    }

    private async Task AwaitAckAsync(Task<SipRequest?> acked, SdpSessionDescription? ourOffer)
    {
        var ack = await acked.ConfigureAwait(false);
        if (ack is null)
        {
            // RFC 3261 §13.3.1.4: no ACK for our 2xx within 64*T1 ends the dialog with BYE.
            if (State == SipCallState.Established && !_ua.Stopping.IsCancellationRequested)
            {
                SipStackLog.CallEvent(_ua.Log, CallId, "no ACK for our 2xx to the re-INVITE; hanging up");
                await HangUpAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return;
        }

        if (ourOffer is not null && !ack.Body.IsEmpty && SdpSessionDescription.TryParse(ack.Body.Span, out var answer, out _))
        {
            Apply(ourOffer, answer, weOffered: true);
        }
    }

    /// <summary>The offer repeats the peer's last SDP: same origin session and version (RFC 3264 §8).</summary>
    private bool IsUnchanged(SdpSessionDescription offer)
    {
        lock (_ua.Layer.Gate)
        {
            return _localSdp is not null && _remoteSdp is { } last &&
                last.Origin.SessionId == offer.Origin.SessionId && last.Origin.SessionVersion == offer.Origin.SessionVersion;
        }
    }

    /// <summary>
    /// RFC 4028 §9: a request with Session-Expires gets it back in the 2xx with the refresher named
    /// (the request's choice, else the requester), and the timer restarts.
    /// </summary>
    internal void AddSessionTimerAnswer(SipRequest request, SipOutgoingMessage response)
    {
        if (request.SessionExpires is not { } se || _ua.Options.SessionExpires <= TimeSpan.Zero)
        {
            return;
        }

        var seconds = Math.Max(se.Seconds, (long)_ua.Options.MinSessionExpires.TotalSeconds);
        var refresher = se.Refresher is "uas" ? "uas" : "uac";
        response.Add(SipHeaderKind.SessionExpires, string.Create(CultureInfo.InvariantCulture, $"{seconds};refresher={refresher}"));
        if (request.Supported.Contains("timer", StringComparer.OrdinalIgnoreCase))
        {
            response.Add(SipHeaderKind.Require, "timer");
        }

        if (request.Method is SipMethods.Invite or SipMethods.Update && _localSdp is not null)
        {
            SessionRefreshesReceived++;
        }

        ArmSessionTimer(TimeSpan.FromSeconds(seconds), weRefresh: refresher == "uas");
    }

    /// <summary>Reads Session-Expires from a 2xx to our INVITE/UPDATE (RFC 4028 §7.2).</summary>
    internal void ApplySessionTimer(SipResponse response, bool sentByUs)
    {
        if (response.SessionExpires is not { } se || se.Seconds == 0)
        {
            return;
        }

        // "uac" is whoever sent the request this 2xx answers.
        var weRefresh = sentByUs ? se.Refresher != "uas" : se.Refresher == "uas";
        ArmSessionTimer(TimeSpan.FromSeconds(se.Seconds), weRefresh);
    }

    private void ArmSessionTimer(TimeSpan interval, bool weRefresh)
    {
        lock (_ua.Layer.Gate)
        {
            if (State == SipCallState.Terminated)
            {
                return;
            }

            SessionInterval = interval;
            IsSessionRefresher = weRefresh;
            _sessionTimer?.Dispose();

            // RFC 4028 §10: the refresher sends at half the interval; the other side gives up at interval − min(32 s, interval/3).
            var due = weRefresh ? interval / 2 : interval - TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(32).Ticks, (interval / 3).Ticks));
            _sessionTimer = _ua.Time.CreateTimer(static s => ((SipCall)s!).OnSessionTimer(), this, due, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopSessionTimer()
    {
        _sessionTimer?.Dispose();
        _sessionTimer = null;
    }

    private void OnSessionTimer()
    {
        if (State == SipCallState.Terminated)
        {
            return;
        }

        if (IsSessionRefresher)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    var status = await RefreshSessionAsync(preferUpdate: true, _hangup.Token).ConfigureAwait(false);
                    SipStackLog.CallEvent(_ua.Log, CallId, $"session refresh answered {status}");
                }
                catch (OperationCanceledException)
                {
                }
            });
        }
        else
        {
            _ = Task.Run(async () =>
            {
                SipStackLog.CallEvent(_ua.Log, CallId, "session expired without refresh (RFC 4028); hanging up");
                try
                {
                    await SendInDialogAsync(SipMethods.Bye, null, CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    Terminate(new SipCallEnd(SipCallEndReason.SessionExpired, 0, "the session expired without refresh"));
                }
            });
        }
    }
}
