using System.Net;
using System.Security.Cryptography;
using FaxPost.Telephony.Sdp;
using FaxPost.Telephony.Sip.Dialogs;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>
/// An INVITE offered to us and not yet answered (RFC 3261 §13.3). Ring, answer (with SDP) or
/// reject with a status. <see cref="Cancelled"/> fires when the caller gives up (CANCEL).
/// </summary>
public sealed class SipIncomingCall
{
    private readonly SipUserAgent _ua;
    private readonly SipServerTransaction _tx;
    private readonly CancellationTokenSource _cancelled = new();
    private readonly string _localTag = SipIdentifiers.NewTag();
    private int _answered;

    internal SipIncomingCall(SipUserAgent ua, SipServerTransaction tx, SdpSessionDescription? offer, string remoteTag)
    {
        _ua = ua;
        _tx = tx;
        Offer = offer;
        RemoteTag = remoteTag;
    }

    public SipRequest Invite => _tx.Request;

    public string CallId => _tx.Request.CallId;

    /// <summary>The Request-URI: the dialled number on most trunks.</summary>
    public SipUri RequestUri => _tx.Request.RequestUri;

    public SipNameAddress From => _tx.Request.From;

    public SipNameAddress To => _tx.Request.To;

    /// <summary>Where the INVITE came from (for source ACLs).</summary>
    public SipRemote Source => _tx.Remote;

    /// <summary>The SDP offer in the INVITE, or null (the offer then goes in our 200, RFC 3261 §13.2.1).</summary>
    public SdpSessionDescription? Offer { get; }

    /// <summary>Whether the offer has an m=image udptl t38 section (a direct T.38 call).</summary>
    public bool OffersT38 => Offer?.Media.Any(m => m.IsT38 && m.Port != 0) == true;

    /// <summary>Fires when the caller cancels before we answer.</summary>
    public CancellationToken Cancelled => _cancelled.Token;

    internal string RemoteTag { get; }

    /// <summary>Sends 180 Ringing (with our To tag: an early dialog on the caller's side).</summary>
    public void Ring()
    {
        if (Volatile.Read(ref _answered) == 0 && _tx.IsPending)
        {
            _tx.Respond(180, null, _localTag);
        }
    }

    /// <summary>
    /// Answers with 200 OK. With an offer we answer it (T.38 if offered, else G.711 audio); without one
    /// we offer audio and read the answer from the ACK. Completes once the ACK arrives.
    /// </summary>
    /// <exception cref="SipCallException">The caller cancelled, no codec matched (we sent 488), or no ACK came.</exception>
    public async Task<SipCall> AnswerAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0 || !_tx.IsPending)
        {
            throw new SipCallException(487, "The call was cancelled or answered already.");
        }

        var request = _tx.Request;
        var media = new SipMediaPorts(_ua.Options.MediaBindAddress);
        var sessionId = (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var contact = _ua.ContactFor(_tx.Remote.Transport);
        var dialog = SipDialog.CreateAsUas(request, _localTag, contact);
        var remoteAllowsUpdate = request.Allow.Contains(SipMethods.Update, StringComparer.OrdinalIgnoreCase);
        var call = new SipCall(_ua, dialog, SipCallDirection.Incoming, media, sessionId, 1, remoteAllowsUpdate);
        var caps = call.Capabilities(1);
        SdpSessionDescription body;
        if (Offer is not null)
        {
            body = SdpOfferAnswer.Answer(Offer, caps);
            if (body.Media.All(m => m.Port == 0))
            {
                media.Dispose();
                _tx.Respond(488, null, _localTag);
                _ua.Forget(this);
                throw new SipCallException(488, "Nothing in the caller's offer is acceptable (no G.711, no T.38).");
            }
        }
        else
        {
            body = SdpOfferAnswer.CreateAudioOffer(caps);
        }

        var ok = _tx.CreateResponse(200, null, _localTag);
        ok.Add(SipHeaderKind.Contact, contact);
        ok.Add(SipHeaderKind.Allow, SipUserAgent.AllowedMethods);
        ok.Add(SipHeaderKind.Supported, string.Join(", ", SipUserAgent.SupportedExtensions));
        ok.Add(SipHeaderKind.Server, _ua.Options.UserAgent);
        call.AddSessionTimerAnswer(request, ok);
        ok.WithBody(body.ToArray(), "application/sdp");
        if (Offer is not null)
        {
            call.Apply(Offer, body, weOffered: false);
        }

        _ua.Register(call);
        _ua.Forget(this);
        var ack = await _tx.RespondSuccess(ok).WaitAsync(ct).ConfigureAwait(false);
        if (ack is null)
        {
            call.Terminate(new SipCallEnd(SipCallEndReason.NoAck, 0, "no ACK for our 200 OK"));
            throw new SipCallException(408, "The caller never acknowledged our 200 OK.");
        }

        if (Offer is null)
        {
            if (!SdpSessionDescription.TryParse(ack.Body.Span, out var answer, out var error))
            {
                await call.HangUpAsync(ct).ConfigureAwait(false);
                throw new SipCallException(488, $"The ACK carried no usable SDP answer ({error}).");
            }

            call.Apply(body, answer, weOffered: true);
        }

        return call;
    }

    /// <summary>Rejects the call with a final status (486 busy, 603 decline, 403 forbidden, 404...).</summary>
    /// <param name="headers">Extra headers: a challenge (WWW-/Proxy-Authenticate with 401/407), Retry-After, Warning...</param>
    public void Reject(int statusCode, string? reasonPhrase = null, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 300);
        if (Interlocked.Exchange(ref _answered, 1) == 0 && _tx.IsPending)
        {
            var response = _tx.CreateResponse(statusCode, reasonPhrase, _localTag);
            foreach (var (name, value) in headers ?? [])
            {
                response.Add(name, value);
            }

            _tx.Respond(response);
        }

        _ua.Forget(this);
    }

    internal void RejectIfPending(int statusCode) => Reject(statusCode);

    internal void OnCancelled()
    {
        // RFC 3261 §9.2: the INVITE gets 487 unless it was answered already.
        if (Interlocked.Exchange(ref _answered, 1) == 0 && _tx.IsPending)
        {
            _tx.Respond(487, null, _localTag);
        }

        _ua.Forget(this);
        _cancelled.Cancel();
    }

    public override string ToString() => $"Incoming call {CallId} from {From.Uri} to {RequestUri} via {Source}";

    internal IPEndPoint SourceEndPoint => _tx.Remote.EndPoint;
}
