namespace FaxPost.Telephony.Sip.Dialogs;

public enum SipDialogState
{
    /// <summary>Created by a provisional response with a To tag (RFC 3261 §12.1).</summary>
    Early,
    Confirmed,
    Terminated,
}

/// <summary>
/// A dialog (RFC 3261 §12): the state both sides keep between an INVITE and its BYE, and the
/// rules for requests inside it — route set, remote target, CSeq order and target refresh
/// (re-INVITE in either direction). Pure: it builds and checks messages, the transaction layer sends them.
/// </summary>
public sealed class SipDialog
{
    private readonly List<SipNameAddress> _routeSet;

    private SipDialog(SipDialogId id, bool isUac, string localParty, string remoteParty, SipUri remoteTarget, List<SipNameAddress> routeSet, SipDialogState state)
    {
        Id = id;
        IsUac = isUac;
        LocalParty = localParty;
        RemoteParty = remoteParty;
        RemoteTarget = remoteTarget;
        _routeSet = routeSet;
        State = state;
    }

    public SipDialogId Id { get; }

    /// <summary>True when we sent the INVITE that created the dialog.</summary>
    public bool IsUac { get; }

    public SipDialogState State { get; private set; }

    /// <summary>Our name-addr with our tag, as it goes into From of our requests.</summary>
    public string LocalParty { get; }

    /// <summary>The peer's name-addr with its tag, as it goes into To of our requests.</summary>
    public string RemoteParty { get; }

    /// <summary>Where requests go: the peer's Contact, updated by target refresh (§12.2).</summary>
    public SipUri RemoteTarget { get; private set; }

    public IReadOnlyList<SipNameAddress> RouteSet => _routeSet;

    /// <summary>Last CSeq number we used in this dialog.</summary>
    public uint LocalCSeq { get; private set; }

    /// <summary>Last CSeq number the peer used, or null before its first request (§12.1.2).</summary>
    public uint? RemoteCSeq { get; private set; }

    /// <summary>Our Contact to put in target-refreshing requests and their 2xx answers.</summary>
    public string? LocalContact { get; set; }

    /// <summary>
    /// §12.1.2: the UAC side, from the INVITE we sent and a 1xx (with To tag) or 2xx answer. The route
    /// set is the answer's Record-Route reversed; the remote target is its Contact.
    /// </summary>
    public static SipDialog CreateAsUac(SipOutgoingMessage invite, SipResponse response)
    {
        if (response.To.Tag is not { } remoteTag || response.StatusCode is < 101 or >= 300)
        {
            throw new ArgumentException("Only a 101-299 response with a To tag creates a dialog.", nameof(response));
        }

        var from = SipNameAddress.Parse(invite.Get(SipHeaderKind.From) ?? throw new ArgumentException("INVITE without From.", nameof(invite)));
        var routes = response.RecordRoutes.Reverse().ToList();
        var target = response.Contacts.FirstOrDefault()?.Uri ?? SipUri.Parse(invite.RequestUri!);
        var dialog = new SipDialog(
            new SipDialogId(response.CallId, from.Tag ?? throw new ArgumentException("INVITE From without tag.", nameof(invite)), remoteTag),
            isUac: true,
            localParty: invite.Get(SipHeaderKind.From)!,
            remoteParty: response.GetHeader(SipHeaderKind.To)!,
            remoteTarget: target,
            routes,
            response.StatusCode < 200 ? SipDialogState.Early : SipDialogState.Confirmed)
        {
            LocalCSeq = response.CSeq.Number,
            LocalContact = invite.Get(SipHeaderKind.Contact),
        };
        return dialog;
    }

    /// <summary>
    /// §12.1.1: the UAS side, from the INVITE we received and the tag we put in our answer. The
    /// route set is the request's Record-Route in order; the remote target is its Contact.
    /// </summary>
    public static SipDialog CreateAsUas(SipRequest invite, string localTag, string? localContact, bool early = false)
    {
        var remoteTag = invite.From.Tag ?? throw new ArgumentException("INVITE From without tag.", nameof(invite));
        var target = invite.Contacts.FirstOrDefault()?.Uri ?? throw new ArgumentException("INVITE without Contact.", nameof(invite));
        var to = invite.GetHeader(SipHeaderKind.To)!;
        return new SipDialog(
            new SipDialogId(invite.CallId, localTag, remoteTag),
            isUac: false,
            localParty: invite.To.Tag is null ? to + ";tag=" + localTag : to,
            remoteParty: invite.GetHeader(SipHeaderKind.From)!,
            remoteTarget: target,
            [.. invite.RecordRoutes],
            early ? SipDialogState.Early : SipDialogState.Confirmed)
        {
            RemoteCSeq = invite.CSeq.Number,
            LocalContact = localContact,
        };
    }

    /// <summary>A 2xx (UAC) or our own 2xx (UAS) confirms an early dialog.</summary>
    public void Confirm()
    {
        if (State == SipDialogState.Early)
        {
            State = SipDialogState.Confirmed;
        }
    }

    /// <summary>The dialog ends: BYE sent or received, or the INVITE failed (§12.3, §15).</summary>
    public void Terminate() => State = SipDialogState.Terminated;

    /// <summary>
    /// A response to one of our requests in this dialog: a 2xx confirms, and a 2xx to a
    /// target-refreshing request (re-INVITE, UPDATE) moves the remote target to its Contact (§12.2.1.2).
    /// </summary>
    public void OnResponse(SipResponse response)
    {
        if (response.StatusCode is >= 200 and < 300)
        {
            Confirm();
            if (IsTargetRefresh(response.CSeq.Method) && response.Contacts.Count > 0)
            {
                RemoteTarget = response.Contacts[0].Uri;
            }
        }
        else if (response.StatusCode is 481 or 408 && response.CSeq.Method != SipMethods.Invite)
        {
            // §12.2.1.2: 481 or 408 to a mid-dialog request ends the dialog.
            Terminate();
        }
    }

    /// <summary>
    /// Checks an incoming in-dialog request (§12.2.2): CSeq must grow (else 500), a target refresh
    /// updates the remote target, BYE ends the dialog. Returns 0 when accepted, else the status to answer.
    /// </summary>
    public int AcceptRequest(SipRequest request)
    {
        var method = request.Method;
        var cseq = request.CSeq.Number;
        if (method is not (SipMethods.Ack or SipMethods.Cancel))
        {
            if (RemoteCSeq is uint last && cseq <= last)
            {
                return 500;
            }

            RemoteCSeq = cseq;
        }

        if (IsTargetRefresh(method) && request.Contacts.Count > 0)
        {
            RemoteTarget = request.Contacts[0].Uri;
        }

        if (method == SipMethods.Bye)
        {
            Terminate();
        }

        return 0;
    }

    /// <summary>
    /// Builds a request inside the dialog (§12.2.1.1): To/From with tags, Call-ID, the next CSeq,
    /// Request-URI and Route from the route set (loose or strict routing, §16.12.1.1).
    /// <paramref name="via"/> is the Via our transport puts on it (with a fresh branch).
    /// </summary>
    public SipOutgoingMessage CreateRequest(string method, SipVia via)
    {
        if (method is SipMethods.Ack or SipMethods.Cancel)
        {
            throw new ArgumentException("ACK and CANCEL reuse the INVITE's CSeq; use CreateAck.", nameof(method));
        }

        LocalCSeq = LocalCSeq == 0 ? 1 : LocalCSeq + 1;
        var request = Build(method, via, LocalCSeq);
        if (IsTargetRefresh(method) && LocalContact is not null)
        {
            request.Add(SipHeaderKind.Contact, LocalContact);
        }

        return request;
    }

    /// <summary>The ACK for a 2xx to INVITE (§13.2.2.4): a new transaction-less request with the INVITE's CSeq number.</summary>
    public SipOutgoingMessage CreateAck(uint inviteCSeq, SipVia via) => Build(SipMethods.Ack, via, inviteCSeq);

    private SipOutgoingMessage Build(string method, SipVia via, uint cseq)
    {
        SipOutgoingMessage request;
        var routes = new List<string>();
        if (_routeSet.Count > 0 && !_routeSet[0].Uri.IsLooseRouter)
        {
            // Strict router: it becomes the Request-URI, the remote target goes last in Route.
            request = SipOutgoingMessage.Request(method, _routeSet[0].Uri);
            routes.AddRange(_routeSet.Skip(1).Select(r => r.ToString()));
            routes.Add($"<{RemoteTarget}>");
        }
        else
        {
            request = SipOutgoingMessage.Request(method, RemoteTarget);
            routes.AddRange(_routeSet.Select(r => r.ToString()));
        }

        request.Add(SipHeaderKind.Via, via.ToString());
        foreach (var route in routes)
        {
            request.Add(SipHeaderKind.Route, route);
        }

        request.Add(SipHeaderKind.MaxForwards, "70");
        request.Add(SipHeaderKind.From, LocalParty);
        request.Add(SipHeaderKind.To, RemoteParty);
        request.Add(SipHeaderKind.CallId, Id.CallId);
        request.Add(SipHeaderKind.CSeq, $"{cseq} {method}");
        return request;
    }

    // RFC 3261 §12.2 and RFC 3311: INVITE and UPDATE refresh the target (so do SUBSCRIBE/NOTIFY, not used here).
    private static bool IsTargetRefresh(string method) => method is SipMethods.Invite or SipMethods.Update;
}
