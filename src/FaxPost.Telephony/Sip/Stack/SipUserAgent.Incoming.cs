using FaxPost.Telephony.Sdp;
using FaxPost.Telephony.Sip.Dialogs;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>What the UA core does with each message the transports deliver (RFC 3261 §8.2, §12.2.2, §17).</summary>
public sealed partial class SipUserAgent
{
    /// <summary>Extensions we support (Require: anything else gets 420, RFC 3261 §8.2.2.3).</summary>
    internal static readonly string[] SupportedExtensions = ["timer"];

    internal const string AllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO";

    private void OnMalformed(SipParseError error, SipRemote from)
    {
        Interlocked.Increment(ref _malformed);
        SipStackLog.Malformed(_log, from, error.ToString());
    }

    /// <summary>Entry point for every parsed message. Bad input is answered or dropped, never thrown.</summary>
    internal void OnMessage(SipMessage message, SipRemote from)
    {
        try
        {
            if (!message.TryValidate(out var error))
            {
                Interlocked.Increment(ref _malformed);
                SipStackLog.Malformed(_log, from, error.ToString());
                if (message is SipRequest bad && bad.Method != SipMethods.Ack)
                {
                    RespondStateless(bad, from, error.StatusCode, error.Reason.ToString());
                }

                return;
            }

            if (message is SipResponse response)
            {
                if (!_layer.OnResponse(response))
                {
                    OnStrayResponse(response);
                }

                return;
            }

            var request = (SipRequest)message;
            var tx = _layer.OnRequest(request, from, out _);
            if (tx is not null)
            {
                Dispatch(tx);
            }
        }
        catch (Exception e) when (e is SipFormatException or FormatException or ArgumentException or InvalidOperationException)
        {
            Interlocked.Increment(ref _malformed);
            SipStackLog.Malformed(_log, from, e.Message);
            if (message is SipRequest bad && bad.Method != SipMethods.Ack)
            {
                RespondStateless(bad, from, 400, "Bad Request");
            }
        }
        catch (Exception e)
        {
            // A bug of ours must not stop the transport's receive loop: log it, answer 500 if we can.
            SipStackLog.HandlerFailed(_log, (message as SipRequest)?.Method ?? "response", e);
            if (message is SipRequest failed && failed.Method != SipMethods.Ack)
            {
                RespondStateless(failed, from, 500, "Server Internal Error");
            }
        }
    }

    /// <summary>A 400 (or 513, 505...) for a request too broken for a transaction (RFC 3261 §8.2, §21.4.1).</summary>
    private void RespondStateless(SipRequest request, SipRemote from, int status, string reason)
    {
        try
        {
            var response = SipOutgoingMessage.ResponseTo(request, status, $"{SipStatus.DefaultReason(status)} ({reason})", null, (from.EndPoint.Address.ToString(), from.EndPoint.Port));
            var target = request.TopVia is not null ? SipTransactionLayer.ResponseTarget(request, from) : from;
            _ = SendRawAsync(response.ToArray(), target);
        }
        catch (Exception)
        {
            // Best effort: without a usable Via, From, To, Call-ID or CSeq there is nothing to answer to.
        }
    }

    private void OnStrayResponse(SipResponse response)
    {
        // RFC 3261 §13.2.2.4: a retransmitted 2xx to INVITE (its transaction is gone) gets the ACK again.
        if (response.IsSuccess && response.CSeq.Method == SipMethods.Invite && SipDialogId.TryForResponse(response, out var id))
        {
            SipCall? call;
            lock (_layer.Gate)
            {
                call = _calls.GetValueOrDefault(id);
            }

            call?.OnSuccessRetransmission(response);
        }
    }

    private void Dispatch(SipServerTransaction tx)
    {
        var request = tx.Request;
        if (UnsupportedRequire(request) is { } unsupported)
        {
            var bad = tx.CreateResponse(420);
            bad.Add(SipHeaderKind.Unsupported, unsupported);
            tx.Respond(bad);
            return;
        }

        if (request.Method == SipMethods.Cancel)
        {
            OnCancel(tx);
            return;
        }

        if (request.To.Tag is not null)
        {
            SipCall? call = null;
            if (SipDialogId.TryForIncomingRequest(request, out var id))
            {
                lock (_layer.Gate)
                {
                    call = _calls.GetValueOrDefault(id);
                }
            }

            if (call is null)
            {
                tx.Respond(481);
                return;
            }

            call.OnRequest(tx);
            return;
        }

        switch (request.Method)
        {
            case SipMethods.Invite:
                OnInvite(tx);
                break;
            case SipMethods.Options:
                var ok = tx.CreateResponse(200);
                ok.Add(SipHeaderKind.Allow, AllowedMethods);
                ok.Add(SipHeaderKind.Accept, "application/sdp");
                ok.Add(SipHeaderKind.Supported, string.Join(", ", SupportedExtensions));
                ok.Add(SipHeaderKind.Server, _options.UserAgent);
                tx.Respond(ok);
                break;
            case SipMethods.Bye:
                tx.Respond(481);
                break;
            default:
                if (RequestHandler is { } handler)
                {
                    var incoming = new SipServerRequest(tx);
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await handler(incoming, _stopToken).ConfigureAwait(false);
                        }
                        catch (Exception e)
                        {
                            SipStackLog.HandlerFailed(_log, request.Method, e);
                        }

                        if (tx.IsPending)
                        {
                            tx.Respond(500);
                        }
                    });
                }
                else
                {
                    var notAllowed = tx.CreateResponse(405);
                    notAllowed.Add(SipHeaderKind.Allow, AllowedMethods);
                    tx.Respond(notAllowed);
                }

                break;
        }
    }

    private static string? UnsupportedRequire(SipRequest request)
    {
        if (request.Method is SipMethods.Ack or SipMethods.Cancel)
        {
            return null;
        }

        var missing = request.Require.Where(r => !SupportedExtensions.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList();
        return missing.Count == 0 ? null : string.Join(", ", missing);
    }

    private void OnCancel(SipServerTransaction cancel)
    {
        var invite = _layer.FindCancelled(cancel);
        if (invite is null)
        {
            cancel.Respond(481);
            return;
        }

        cancel.Respond(200);
        SipIncomingCall? call;
        lock (_layer.Gate)
        {
            call = _offered.GetValueOrDefault((invite.Request.CallId, invite.Request.From.Tag ?? string.Empty));
        }

        // RFC 3261 §9.2: the INVITE gets 487 if it has no final response yet.
        if (call is not null)
        {
            call.OnCancelled();
        }
        else if (invite.IsPending)
        {
            invite.Respond(487);
        }
    }

    private void OnInvite(SipServerTransaction tx)
    {
        var request = tx.Request;
        if (request.From.Tag is not { } remoteTag || request.Contacts.Count == 0)
        {
            tx.Respond(400, "Bad Request (INVITE needs a From tag and a Contact)");
            return;
        }

        SdpSessionDescription? offer = null;
        if (!request.Body.IsEmpty)
        {
            if (request.ContentType != "application/sdp")
            {
                var unsupported = tx.CreateResponse(415);
                unsupported.Add(SipHeaderKind.Accept, "application/sdp");
                tx.Respond(unsupported);
                return;
            }

            if (!SdpSessionDescription.TryParse(request.Body.Span, out offer, out var sdpError))
            {
                tx.Respond(400, $"Bad Request (SDP: {sdpError})");
                return;
            }
        }

        // RFC 4028 §8.1: a session interval below our minimum gets 422 with our Min-SE.
        if (request.SessionExpires is { } se && se.Seconds < _options.MinSessionExpires.TotalSeconds && _options.SessionExpires > TimeSpan.Zero)
        {
            var tooSmall = tx.CreateResponse(422);
            tooSmall.Add(SipHeaderKind.MinSE, ((long)_options.MinSessionExpires.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
            tx.Respond(tooSmall);
            return;
        }

        if (IncomingCall is not { } handler)
        {
            tx.Respond(480, "Temporarily Unavailable (no handler)");
            return;
        }

        var call = new SipIncomingCall(this, tx, offer, remoteTag);
        lock (_layer.Gate)
        {
            _offered[(request.CallId, remoteTag)] = call;
        }

        SipStackLog.IncomingCall(_log, request.CallId, request.To.Uri.ToString(), tx.Remote);
        _ = Task.Run(async () =>
        {
            try
            {
                await handler(call, _stopToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                SipStackLog.HandlerFailed(_log, SipMethods.Invite, e);
                call.RejectIfPending(500);
            }
        });
    }
}
