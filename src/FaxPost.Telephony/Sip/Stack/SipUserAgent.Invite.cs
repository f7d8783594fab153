using System.Globalization;
using System.Security.Cryptography;
using FaxPost.Telephony.Sdp;
using FaxPost.Telephony.Sip.Auth;
using FaxPost.Telephony.Sip.Dialogs;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>What the first INVITE offers.</summary>
public enum SipInviteOffer
{
    /// <summary>G.711 audio with telephone-event; T.38 comes later by re-INVITE (the usual fax call).</summary>
    Audio,

    /// <summary>Only m=image udptl t38 (peers that take T.38 from the start).</summary>
    T38,

    /// <summary>Both sections; the answer decides.</summary>
    AudioAndT38,
}

/// <summary>An outgoing call: whom to call, as whom, through which proxy, with which credentials.</summary>
public sealed record SipInviteOptions
{
    /// <summary>Request-URI, e.g. sip:+4930123456@trunk.example.net.</summary>
    public required SipUri Target { get; init; }

    /// <summary>Our identity in From; default sip:{ContactUser}@{host}.</summary>
    public SipUri? From { get; init; }

    public string? FromDisplayName { get; init; }

    /// <summary>To; default the target.</summary>
    public SipUri? To { get; init; }

    /// <summary>Answer 401/407 challenges with these (never logged).</summary>
    public SipCredentials? Credentials { get; init; }

    /// <summary>Send through this proxy (a pre-loaded Route, RFC 3261 §8.1.2); null sends to the target.</summary>
    public SipUri? OutboundProxy { get; init; }

    public SipInviteOffer Offer { get; init; } = SipInviteOffer.Audio;

    /// <summary>Extra headers (P-Asserted-Identity, Privacy...), added as given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Called for each provisional response (100, 180, 183), on a thread-pool thread.</summary>
    public Action<SipResponse>? Progress { get; init; }
}

/// <summary>Outgoing calls (RFC 3261 §13.2) with CANCEL (§9.1), Digest and session timer negotiation.</summary>
public sealed partial class SipUserAgent
{
    public Task<SipInviteResult> InviteAsync(SipUri target, SipInviteOffer offer = SipInviteOffer.Audio, CancellationToken ct = default) =>
        InviteAsync(new SipInviteOptions { Target = target, Offer = offer }, ct);

    /// <summary>
    /// Places a call. Provisional responses go to <see cref="SipInviteOptions.Progress"/>; a 401/407 is
    /// answered once; a 422 is retried with the peer's Min-SE. The result is the established call, or
    /// the final status (4xx–6xx, a local 408 on timeout, 503 when the transport failed). Cancelling
    /// <paramref name="ct"/> before the answer sends CANCEL (after the first provisional, §9.1) and
    /// gives 487; a 200 that crosses the CANCEL is acknowledged and hung up.
    /// </summary>
    public async Task<SipInviteResult> InviteAsync(SipInviteOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var callId = SipIdentifiers.NewCallId(_host);
        var fromTag = SipIdentifiers.NewTag();
        var from = options.From ?? SipUri.Parse($"sip:{_options.ContactUser}@{HostForUri}");
        var media = new SipMediaPorts(_options.MediaBindAddress);
        var sessionId = (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var caps = new SdpLocalCapabilities
        {
            Address = _mediaAddress.ToString(),
            AudioPort = media.AudioPort,
            ImagePort = media.ImagePort,
            T38 = _options.T38,
            SessionId = sessionId,
            SessionVersion = 1,
        };
        var offer = options.Offer switch
        {
            SipInviteOffer.T38 => SdpOfferAnswer.CreateT38Offer(caps),
            SipInviteOffer.AudioAndT38 => WithImage(SdpOfferAnswer.CreateAudioOffer(caps), caps),
            _ => SdpOfferAnswer.CreateAudioOffer(caps),
        };
        var offerBytes = offer.ToArray();
        var sessionExpires = (long)_options.SessionExpires.TotalSeconds;
        uint cseq = 0;
        SipOutgoingMessage? current = null;
        SipRemote currentRemote = default;
        var provisionalSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelRequested = 0;
        var nextHop = options.OutboundProxy ?? options.Target;

        SipOutgoingMessage Build(SipVia via)
        {
            var invite = SipOutgoingMessage.Request(SipMethods.Invite, options.Target);
            invite.Add(SipHeaderKind.Via, via.ToString());
            if (options.OutboundProxy is { } proxy)
            {
                invite.Add(SipHeaderKind.Route, $"<{(proxy.IsLooseRouter ? proxy.ToString() : proxy + ";lr")}>");
            }

            invite.Add(SipHeaderKind.MaxForwards, "70");
            invite.Add(SipHeaderKind.From, Tagged(from, options.FromDisplayName, fromTag));
            invite.Add(SipHeaderKind.To, new SipNameAddress(options.To ?? options.Target).ToString());
            invite.Add(SipHeaderKind.CallId, callId);
            invite.Add(SipHeaderKind.CSeq, string.Create(CultureInfo.InvariantCulture, $"{++cseq} INVITE"));
            invite.Add(SipHeaderKind.Contact, ContactFor(SipRemote.ParseTransport(via.Transport)));
            invite.Add(SipHeaderKind.Allow, AllowedMethods);
            invite.Add(SipHeaderKind.Supported, string.Join(", ", SupportedExtensions));
            if (sessionExpires > 0)
            {
                // RFC 4028 §7.1: we ask for a session timer and leave the refresher to the answerer.
                invite.Add(SipHeaderKind.SessionExpires, sessionExpires.ToString(CultureInfo.InvariantCulture));
                invite.Add(SipHeaderKind.MinSE, ((long)_options.MinSessionExpires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            }

            AddCommon(invite);
            foreach (var (name, value) in options.Headers)
            {
                invite.Add(name, value);
            }

            invite.WithBody(offerBytes, "application/sdp");
            return invite;
        }

        async Task CancelAsync()
        {
            // RFC 3261 §9.1: no CANCEL before a provisional response; the INVITE's own timeout ends it otherwise.
            await provisionalSeen.Task.ConfigureAwait(false);
            var invite = Volatile.Read(ref current);
            if (invite is null)
            {
                return;
            }

            // RFC 3261 §9.1: the CANCEL goes where the INVITE went (the target failover chose).
            var cancel = SipOutgoingMessage.CancelFor(invite);
            SipRemote remote;
            lock (_layer.Gate)
            {
                remote = currentRemote;
            }

            _ = _layer.SendRequest(cancel, remote); // its own transaction; the INVITE's 487 is what counts

            // RFC 3261 §9.1: without a final response 64*T1 after the CANCEL, the INVITE is given up.
            await Task.Delay(_options.Timers.TransactionTimeout, _time, _stopToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _layer.Abandon(invite, 487, "Request Terminated (no answer to CANCEL)");
        }

        SipResponse response;
        var authenticator = new DigestAuthenticator();
        using (ct.Register(() =>
        {
            if (Interlocked.Exchange(ref cancelRequested, 1) == 0)
            {
                _ = CancelAsync();
            }
        }))
        {
            try
            {
                for (var attempt = 0; ; attempt++)
                {
                    response = await SendAuthenticatedAsync(
                        Build, nextHop, options.Credentials, authenticator,
                        (r, to) =>
                        {
                            lock (_layer.Gate)
                            {
                                currentRemote = to;
                            }

                            Volatile.Write(ref current, r);
                        },
                        r =>
                        {
                            provisionalSeen.TrySetResult();
                            options.Progress?.Invoke(r);
                        },
                        CancellationToken.None,
                        () => Volatile.Read(ref cancelRequested) == 0).ConfigureAwait(false);

                    // RFC 4028 §7.1: 422 names the smallest interval the peer takes; try once more with it.
                    if (response.StatusCode == 422 && response.MinSE is long minSe && attempt == 0 && Volatile.Read(ref cancelRequested) == 0)
                    {
                        sessionExpires = Math.Max(sessionExpires, minSe);
                        continue;
                    }

                    break;
                }
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or SipCallException)
            {
                media.Dispose();
                return new SipInviteResult(503, $"Service Unavailable ({e.Message})", null);
            }
            finally
            {
                // A CANCEL still waiting for a provisional has nothing left to cancel.
                provisionalSeen.TrySetResult();
            }
        }

        if (!response.IsSuccess)
        {
            media.Dispose();
            return new SipInviteResult(response.StatusCode, response.ReasonPhrase, null);
        }

        var invite = current!;
        var dialog = SipDialog.CreateAsUac(invite, response);
        var call = new SipCall(this, dialog, SipCallDirection.Outgoing, media, sessionId, 1,
            response.Allow.Contains(SipMethods.Update, StringComparer.OrdinalIgnoreCase))
        {
            Credentials = options.Credentials,
        };

        // The answer is taken before the ACK goes out: once it has, the peer may re-INVITE at once
        // (RFC 3261 §14.1), and its offer must not be overwritten by this older one.
        var answerOk = SdpSessionDescription.TryParse(response.Body.Span, out var answer, out var error);
        if (answerOk)
        {
            call.ApplySessionTimer(response, sentByUs: true);
            call.Apply(offer, answer, weOffered: true);
        }

        Register(call);
        var hop = dialog.RouteSet.Count > 0 ? dialog.RouteSet[0].Uri : dialog.RemoteTarget;
        var ackTo = await ResolveAsync(hop, CancellationToken.None).ConfigureAwait(false);
        SipOutgoingMessage ack;
        lock (_layer.Gate)
        {
            ack = dialog.CreateAck(response.CSeq.Number, NewVia(ackTo.Transport));
        }

        call.SendAck(ack, ackTo, response.CSeq.Number);
        if (Volatile.Read(ref cancelRequested) != 0)
        {
            await call.HangUpAsync(CancellationToken.None).ConfigureAwait(false);
            return new SipInviteResult(487, "Request Terminated (answered after CANCEL; hung up)", null);
        }

        if (!answerOk)
        {
            await call.HangUpAsync(CancellationToken.None).ConfigureAwait(false);
            return new SipInviteResult(488, $"Not Acceptable Here (the answer has no usable SDP: {error})", null);
        }

        SipStackLog.CallEvent(_log, callId, $"answered {response.StatusCode} by {dialog.RemoteTarget}");
        return new SipInviteResult(response.StatusCode, response.ReasonPhrase, call);
    }

    /// <summary>Sends OPTIONS (a keep-alive or capability query, RFC 3261 §11) and returns the final status.</summary>
    public async Task<int> PingAsync(SipUri target, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var targets = await LocateAsync(target, ct).ConfigureAwait(false);
        var callId = SipIdentifiers.NewCallId(_host);
        var tag = SipIdentifiers.NewTag();
        uint cseq = 0;
        SipOutgoingMessage Build(SipVia via)
        {
            var options = SipOutgoingMessage.Request(SipMethods.Options, target);
            options.Add(SipHeaderKind.Via, via.ToString());
            options.Add(SipHeaderKind.MaxForwards, "70");
            options.Add(SipHeaderKind.From, Tagged(SipUri.Parse($"sip:{_options.ContactUser}@{HostForUri}"), null, tag));
            options.Add(SipHeaderKind.To, new SipNameAddress(target).ToString());
            options.Add(SipHeaderKind.CallId, callId);
            options.Add(SipHeaderKind.CSeq, string.Create(CultureInfo.InvariantCulture, $"{++cseq} OPTIONS"));
            options.Add(SipHeaderKind.Accept, "application/sdp");
            AddCommon(options);
            return options;
        }

        for (var index = 0; ; index++)
        {
            var (request, remote) = BuildFor(targets[index].Remote, Build);
            var response = await _layer.SendRequest(request, remote).WaitAsync(ct).ConfigureAwait(false);
            if (!ShouldFailOver(response) || index + 1 >= targets.Count)
            {
                return response.StatusCode;
            }

            SipStackLog.FailedOver(_log, SipMethods.Options, remote.ToString(), response.StatusCode, targets[index + 1].Remote.ToString());
        }
    }

    /// <summary>
    /// Sends OPTIONS to <paramref name="target"/> every <paramref name="interval"/> until cancelled
    /// (a trunk keep-alive that also keeps NAT bindings open), reporting each final status.
    /// </summary>
    public async Task RunKeepAliveAsync(SipUri target, TimeSpan interval, Action<int>? status = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                int code;
                try
                {
                    code = await PingAsync(target, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or SipCallException)
                {
                    code = 503;
                }

                status?.Invoke(code);
                await Task.Delay(interval, _time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static SdpSessionDescription WithImage(SdpSessionDescription audio, SdpLocalCapabilities caps)
    {
        audio.Media.AddRange(SdpOfferAnswer.CreateT38Offer(caps).Media);
        return audio;
    }
}

/// <summary>Registration (RFC 3261 §10).</summary>
public sealed partial class SipUserAgent
{
    /// <summary>One REGISTER exchange (answering a Digest challenge once, a 423 with the registrar's Min-Expires).</summary>
    public Task<SipRegistrationResult> RegisterAsync(SipRegistration registration, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return new SipRegistrationSession(this, registration).RegisterAsync(registration.Expires, ct);
    }

    /// <summary>Starts keeping <paramref name="registration"/> registered until the keeper is disposed.</summary>
    public SipRegistrationKeeper KeepRegistered(SipRegistration registration, TimeSpan? firstBackoff = null, TimeSpan? credentialsRetry = null)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var keeper = new SipRegistrationKeeper(this, new SipRegistrationSession(this, registration))
        {
            FirstBackoff = firstBackoff ?? TimeSpan.FromSeconds(30),
            CredentialsRetry = credentialsRetry ?? TimeSpan.FromMinutes(30),
        };
        keeper.Start();
        return keeper;
    }
}
