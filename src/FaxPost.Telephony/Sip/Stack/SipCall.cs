using System.Net;
using System.Text;
using FaxPost.Telephony.Sdp;
using FaxPost.Telephony.Sip.Auth;
using FaxPost.Telephony.Sip.Dialogs;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>
/// An established call (a confirmed INVITE dialog, RFC 3261 §12–15): its SDP on both sides, the
/// T.38 agreement when there is one, re-INVITE both ways, session timers (RFC 4028) and BYE.
/// <see cref="HungUp"/> fires when the call ends for any reason; <see cref="Ended"/> says why.
/// </summary>
public sealed partial class SipCall
{
    private readonly SipUserAgent _ua;
    private readonly SipDialog _dialog;
    private readonly SipMediaPorts _media;
    private readonly CancellationTokenSource _hangup = new();
    private readonly TaskCompletionSource<SipCallEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ulong _sessionId;
    private TaskCompletionSource<bool> _t38Agreed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong _sdpVersion;
    private SdpSessionDescription? _localSdp;
    private SdpSessionDescription? _remoteSdp;
    private bool _reinviting;
    private bool _ending;
    private (byte[] Bytes, SipRemote To, uint CSeq)? _lastAck;
    private int _faxRunning;
    private readonly DigestAuthenticator _authenticator = new();

    internal SipCall(SipUserAgent ua, SipDialog dialog, SipCallDirection direction, SipMediaPorts media, ulong sessionId, ulong sdpVersion, bool remoteAllowsUpdate)
    {
        _ua = ua;
        _dialog = dialog;
        Direction = direction;
        _media = media;
        _sessionId = sessionId;
        _sdpVersion = sdpVersion;
        RemoteAllowsUpdate = remoteAllowsUpdate;
    }

    public string CallId => _dialog.Id.CallId;

    public SipDialogId DialogId => _dialog.Id;

    public SipCallDirection Direction { get; }

    /// <summary>Our name-addr with tag (From of our requests).</summary>
    public string LocalParty => _dialog.LocalParty;

    /// <summary>The peer's name-addr with tag.</summary>
    public string RemoteParty => _dialog.RemoteParty;

    /// <summary>Where in-dialog requests go (the peer's Contact, refreshed by re-INVITE).</summary>
    public SipUri RemoteTarget => _dialog.RemoteTarget;

    public IReadOnlyList<SipNameAddress> RouteSet => _dialog.RouteSet;

    public SipCallState State => _ended.Task.IsCompleted ? SipCallState.Terminated : SipCallState.Established;

    public SdpSessionDescription? LocalSdp => _localSdp;

    public SdpSessionDescription? RemoteSdp => _remoteSdp;

    /// <summary>The agreed T.38 parameters (the answer's, T.38 Annex D), or null while the call is audio only.</summary>
    public T38Options? T38 { get; private set; }

    /// <summary>The peer's UDPTL address from its SDP, once T.38 is agreed.</summary>
    public IPEndPoint? RemoteT38EndPoint { get; private set; }

    /// <summary>Our UDPTL port as put in our SDP.</summary>
    public int LocalT38Port => _media.ImagePort;

    /// <summary>Cancelled when the call ends (BYE either way, session expiry, UA stop).</summary>
    public CancellationToken HungUp => _hangup.Token;

    public Task<SipCallEnd> Ended => _ended.Task;

    /// <summary>Session refreshes (RFC 4028) answered, and sent, so far.</summary>
    public int SessionRefreshesReceived { get; private set; }

    public int SessionRefreshesSent { get; private set; }

    /// <summary>The session interval in force (RFC 4028), or null without a session timer.</summary>
    public TimeSpan? SessionInterval { get; private set; }

    /// <summary>Whether we are the refresher of the session timer.</summary>
    public bool IsSessionRefresher { get; private set; }

    internal bool RemoteAllowsUpdate { get; set; }

    /// <summary>For challenges to our in-dialog requests (the INVITE's credentials).</summary>
    internal SipCredentials? Credentials { get; init; }

    internal SipUserAgent UserAgent => _ua;

    /// <summary>
    /// Waits until the peer's re-INVITE (or the initial offer/answer) agrees on T.38. False when the
    /// call ends or <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<bool> WaitForT38Async(TimeSpan timeout, CancellationToken ct = default)
    {
        if (T38 is not null)
        {
            return true;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        linked.CancelAfter(timeout);
        try
        {
            return await _t38Agreed.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return T38 is not null;
        }
    }

    /// <summary>Sends a re-INVITE offering only T.38 (the switch from audio). A 488 leaves the call on audio.</summary>
    public Task<SipReinviteResult> SwitchToT38Async(CancellationToken ct = default)
    {
        var caps = Capabilities(Interlocked.Increment(ref _sdpVersion));
        return ReinviteAsync(SdpOfferAnswer.CreateT38Offer(caps), ct);
    }

    /// <summary>
    /// Sends a re-INVITE with <paramref name="offer"/> (RFC 3261 §14.1). A 491 (glare) is retried
    /// after a random 2.1–4 s wait; other failures leave the session as it was.
    /// </summary>
    public async Task<SipReinviteResult> ReinviteAsync(SdpSessionDescription offer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(offer);
        for (var attempt = 0; ; attempt++)
        {
            lock (_ua.Layer.Gate)
            {
                if (State == SipCallState.Terminated || _ending)
                {
                    return new SipReinviteResult(481, "Call/Transaction Does Not Exist", false);
                }

                if (_reinviting)
                {
                    throw new InvalidOperationException("A re-INVITE of ours is already pending.");
                }

                _reinviting = true;
            }

            SipResponse response;
            try
            {
                response = await SendInDialogAsync(SipMethods.Invite, offer, ct).ConfigureAwait(false);
            }
            finally
            {
                lock (_ua.Layer.Gate)
                {
                    _reinviting = false;
                }
            }

            if (response.StatusCode == 491 && attempt < 2)
            {
                // RFC 3261 §14.1: the Call-ID owner waits 2.1–4 s, the other side 0–2 s.
                var wait = Direction == SipCallDirection.Outgoing ? 2100 + Random.Shared.Next(1900) : Random.Shared.Next(2000);
                await Task.Delay(TimeSpan.FromMilliseconds(wait), _ua.Time, ct).ConfigureAwait(false);
                continue;
            }

            if (!response.IsSuccess)
            {
                SipStackLog.CallEvent(_ua.Log, CallId, $"re-INVITE answered {response.StatusCode} {response.ReasonPhrase}");
                return new SipReinviteResult(response.StatusCode, response.ReasonPhrase, T38 is not null);
            }

            if (!SdpSessionDescription.TryParse(response.Body.Span, out var answer, out var error))
            {
                SipStackLog.CallEvent(_ua.Log, CallId, $"re-INVITE answer has no usable SDP ({error})");
                return new SipReinviteResult(488, "Not Acceptable Here (no SDP answer)", T38 is not null);
            }

            ApplySessionTimer(response, sentByUs: true);
            Apply(offer, answer, weOffered: true);
            return new SipReinviteResult(response.StatusCode, response.ReasonPhrase, T38 is not null);
        }
    }

    /// <summary>
    /// A session refresh (RFC 4028 §7.4/§9): UPDATE without a body when the peer allows it and
    /// <paramref name="preferUpdate"/> is set, else a re-INVITE with our current SDP unchanged.
    /// </summary>
    public async Task<int> RefreshSessionAsync(bool preferUpdate = true, CancellationToken ct = default)
    {
        SipResponse response;
        if (preferUpdate && RemoteAllowsUpdate)
        {
            response = await SendInDialogAsync(SipMethods.Update, null, ct).ConfigureAwait(false);
            if (response.IsSuccess)
            {
                ApplySessionTimer(response, sentByUs: true);
            }
        }
        else
        {
            var current = _localSdp ?? SdpOfferAnswer.CreateAudioOffer(Capabilities(_sdpVersion));
            lock (_ua.Layer.Gate)
            {
                if (_reinviting)
                {
                    return 491;
                }

                _reinviting = true;
            }

            try
            {
                response = await SendInDialogAsync(SipMethods.Invite, current, ct).ConfigureAwait(false);
            }
            finally
            {
                lock (_ua.Layer.Gate)
                {
                    _reinviting = false;
                }
            }

            if (response.IsSuccess)
            {
                ApplySessionTimer(response, sentByUs: true);
                if (SdpSessionDescription.TryParse(response.Body.Span, out var answer, out _))
                {
                    Apply(current, answer, weOffered: true);
                }
            }
        }

        if (response.IsSuccess)
        {
            SessionRefreshesSent++;
        }

        return response.StatusCode;
    }

    /// <summary>Ends the call with BYE (RFC 3261 §15.1.1). Safe to call more than once.</summary>
    public async Task HangUpAsync(CancellationToken ct = default)
    {
        lock (_ua.Layer.Gate)
        {
            if (_ending || State == SipCallState.Terminated)
            {
                return;
            }

            _ending = true;
        }

        var status = 0;
        try
        {
            var response = await SendInDialogAsync(SipMethods.Bye, null, ct).ConfigureAwait(false);
            status = response.StatusCode;
        }
        finally
        {
            Terminate(new SipCallEnd(SipCallEndReason.LocalHangUp, status, "we hung up"));
        }
    }

    public override string ToString() => $"{Direction} call {CallId} ({State}{(T38 is null ? string.Empty : ", T.38")})";

    /// <summary>
    /// Sends a request inside the dialog and waits for its final response. A 401/407 is answered once
    /// with the call's credentials (trunks that challenge re-INVITE and BYE too, RFC 3261 §22.2).
    /// </summary>
    internal async Task<SipResponse> SendInDialogAsync(string method, SdpSessionDescription? body, CancellationToken ct)
    {
        var hop = _dialog.RouteSet.Count > 0 ? _dialog.RouteSet[0].Uri : _dialog.RemoteTarget;
        var remote = await _ua.ResolveAsync(hop, ct).ConfigureAwait(false);
        (SipHeaderKind Kind, string Value)? authorization = null;
        SipResponse response;
        for (var attempt = 0; ; attempt++)
        {
            var auth = authorization;
            var (request, to) = _ua.BuildFor(remote, via =>
            {
                SipOutgoingMessage request;
                lock (_ua.Layer.Gate)
                {
                    request = _dialog.CreateRequest(method, via);
                }

                _ua.AddCommon(request);
                if (auth is { } a)
                {
                    request.Add(a.Kind, a.Value);
                }

                if (method is SipMethods.Invite or SipMethods.Update)
                {
                    request.Add(SipHeaderKind.Supported, string.Join(", ", SipUserAgent.SupportedExtensions));
                    request.Add(SipHeaderKind.Allow, SipUserAgent.AllowedMethods);
                    if (SessionInterval is { } interval)
                    {
                        // RFC 4028 §7.4: a refresh names its refresher; we keep the role we have.
                        request.Add(SipHeaderKind.SessionExpires, $"{(long)interval.TotalSeconds};refresher={(IsSessionRefresher ? "uac" : "uas")}");
                    }
                }

                if (body is not null)
                {
                    request.WithBody(body.ToArray(), "application/sdp");
                }

                return request;
            });

            // The BYE and re-INVITE transactions end on their own (timers B/F); the token only stops our wait.
            response = await _ua.Layer.SendRequest(request, to).WaitAsync(ct).ConfigureAwait(false);
            if (response.StatusCode is 401 or 407 && attempt == 0 && Credentials is { } credentials &&
                DigestChallenge.SelectPreferred(response.StatusCode == 401 ? response.WwwAuthenticate : response.ProxyAuthenticate) is { } challenge &&
                credentials.AppliesTo(challenge.Realm))
            {
                var kind = response.StatusCode == 401 ? SipHeaderKind.Authorization : SipHeaderKind.ProxyAuthorization;
                authorization = (kind, _authenticator.CreateAuthorization(challenge, credentials, method, request.RequestUri!));
                continue;
            }

            break;
        }

        if (method == SipMethods.Invite && response.IsSuccess)
        {
            // RFC 3261 §13.2.2.4: the ACK for a 2xx is ours to send, and to send again for each retransmitted 2xx.
            SipOutgoingMessage ack;
            lock (_ua.Layer.Gate)
            {
                ack = _dialog.CreateAck(response.CSeq.Number, _ua.NewVia(remote.Transport));
            }

            SendAck(ack, remote, response.CSeq.Number);
        }

        lock (_ua.Layer.Gate)
        {
            _dialog.OnResponse(response);
        }

        if (response.StatusCode is 481 or 408 && method != SipMethods.Bye)
        {
            // RFC 3261 §12.2.1.2: the dialog is gone on the other side.
            Terminate(new SipCallEnd(SipCallEndReason.RemoteHangUp, response.StatusCode, $"{method} answered {response.StatusCode}: the peer lost the call"));
        }

        return response;
    }

    internal void SendAck(SipOutgoingMessage ack, SipRemote to, uint cseq)
    {
        var bytes = ack.ToArray();
        lock (_ua.Layer.Gate)
        {
            _lastAck = (bytes, to, cseq);
        }

        _ = _ua.SendRawAsync(bytes, to);
    }

    internal void OnSuccessRetransmission(SipResponse response)
    {
        (byte[] Bytes, SipRemote To, uint CSeq)? ack;
        lock (_ua.Layer.Gate)
        {
            ack = _lastAck;
        }

        if (ack is { } a && a.CSeq == response.CSeq.Number)
        {
            _ = _ua.SendRawAsync(a.Bytes, a.To);
        }
    }

    /// <summary>Our capabilities for SDP with this call's ports and the given o= version.</summary>
    internal SdpLocalCapabilities Capabilities(ulong version) => new()
    {
        Address = _ua.MediaAddress.ToString(),
        AudioPort = _media.AudioPort,
        ImagePort = _media.ImagePort,
        T38 = _ua.Options.T38,
        Username = "FaxPost",
        SessionId = _sessionId,
        SessionVersion = version,
    };

    /// <summary>Takes a completed offer/answer exchange and updates the T.38 agreement (T.38 Annex D).</summary>
    internal void Apply(SdpSessionDescription offer, SdpSessionDescription answer, bool weOffered)
    {
        var local = weOffered ? offer : answer;
        var remote = weOffered ? answer : offer;
        T38Options? agreed = null;
        IPEndPoint? remoteUdptl = null;
        var localImage = local.Media.FirstOrDefault(m => m.IsT38 && m.Port != 0);
        var remoteImage = remote.Media.FirstOrDefault(m => m.IsT38 && m.Port != 0);
        if (localImage is not null && remoteImage is not null &&
            remote.ConnectionFor(remoteImage)?.Address is { } host && IPAddress.TryParse(host, out var address))
        {
            // The answer carries the values both sides use.
            agreed = (weOffered ? remoteImage : localImage).T38;
            remoteUdptl = new IPEndPoint(address, remoteImage.Port);
        }

        TaskCompletionSource<bool>? agreedNow = null;
        lock (_ua.Layer.Gate)
        {
            _localSdp = local;
            _remoteSdp = remote;
            if (agreed is not null && remoteUdptl is not null)
            {
                if (Volatile.Read(ref _faxRunning) != 0 && RemoteT38EndPoint is { } running && !running.Equals(remoteUdptl))
                {
                    SipStackLog.CallEvent(_ua.Log, CallId, $"peer moved its UDPTL address to {remoteUdptl} mid-fax; the fax stays on {running}");
                }
                else
                {
                    RemoteT38EndPoint = remoteUdptl;
                }

                T38 = agreed;
                agreedNow = _t38Agreed;
            }
            else if (T38 is not null)
            {
                SipStackLog.CallEvent(_ua.Log, CallId, "the session left T.38");
                T38 = null;
                _t38Agreed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (agreedNow is not null)
        {
            SipStackLog.CallEvent(_ua.Log, CallId, $"T.38 agreed, peer UDPTL {remoteUdptl}");
            agreedNow.TrySetResult(true);
        }
    }

    internal void Terminate(SipCallEnd end)
    {
        lock (_ua.Layer.Gate)
        {
            if (_ended.Task.IsCompleted)
            {
                return;
            }

            _dialog.Terminate();
            StopSessionTimer();
        }

        _ua.Forget(this);
        if (Volatile.Read(ref _faxRunning) == 0)
        {
            _media.Dispose();
        }

        SipStackLog.CallEnded(_ua.Log, CallId, end.Text);
        _ended.TrySetResult(end);
        _t38Agreed.TrySetResult(false);
        _hangup.Cancel();
    }

    internal static string Describe(ReadOnlyMemory<byte> body) => Encoding.UTF8.GetString(body.Span);
}
