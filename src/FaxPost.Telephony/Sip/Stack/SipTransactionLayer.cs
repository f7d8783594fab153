using FaxPost.Telephony.Sip.Transactions;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>
/// The transaction layer (RFC 3261 §17): a table of client and server transactions, the UAS core's
/// 2xx retransmitters (§13.3.1.4), their timers on the injected <see cref="TimeProvider"/>, and
/// matching of received messages (§17.1.3, §17.2.3). All state sits behind <see cref="Gate"/>; the
/// UA core takes the same lock, so one lock orders everything and nothing here waits on I/O.
/// </summary>
internal sealed partial class SipTransactionLayer : IDisposable
{
    private readonly Func<ReadOnlyMemory<byte>, SipRemote, Task<bool>> _send;
    private readonly TimeProvider _time;
    private readonly long _epoch;
    private readonly Dictionary<SipTransactionKey, ClientEntry> _clients = [];
    private readonly Dictionary<SipTransactionKey, SipServerTransaction> _servers = [];
    private readonly Dictionary<(string CallId, uint CSeq), SuccessEntry> _successes = [];
    private bool _disposed;

    public SipTransactionLayer(Func<ReadOnlyMemory<byte>, SipRemote, Task<bool>> send, TimeProvider time, SipTimerSettings timers)
    {
        _send = send;
        _time = time;
        Timers = timers;
        _epoch = time.GetTimestamp();
    }

    public object Gate { get; } = new();

    public SipTimerSettings Timers { get; }

    /// <summary>Monotonic time since the layer started, the clock every transaction runs on.</summary>
    public TimeSpan Now => _time.GetElapsedTime(_epoch);

    public int ClientCount
    {
        get
        {
            lock (Gate)
            {
                return _clients.Count;
            }
        }
    }

    public int ServerCount
    {
        get
        {
            lock (Gate)
            {
                return _servers.Count + _successes.Count;
            }
        }
    }

    /// <summary>
    /// Sends a request in a new client transaction. The task completes with the final response; a
    /// timeout (timer B/F) gives a local 408 and a transport failure a local 503 (RFC 3261 §8.1.3.1).
    /// </summary>
    public Task<SipResponse> SendRequest(SipOutgoingMessage request, SipRemote to, Action<SipResponse>? provisional = null)
    {
        var via = SipVia.Parse(request.Get(SipHeaderKind.Via) ?? throw new ArgumentException("Request without Via.", nameof(request)));
        var key = new SipTransactionKey(via.Branch ?? throw new ArgumentException("Via without branch.", nameof(request)), SentBy(via), request.Method!);
        SipTransaction tx = request.Method == SipMethods.Invite
            ? new SipInviteClientTransaction(request, to.IsReliable, Timers)
            : new SipNonInviteClientTransaction(request, to.IsReliable, Timers);
        var entry = new ClientEntry(this, key, tx, to, request, provisional);
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _clients[key] = entry;
            var actions = tx is SipInviteClientTransaction ict ? ict.Start(Now) : ((SipNonInviteClientTransaction)tx).Start(Now);
            Process(entry, actions);
        }

        return entry.Final.Task;
    }

    /// <summary>
    /// Gives up on a client transaction still waiting for its final response (RFC 3261 §9.1: no final
    /// response 64*T1 after our CANCEL): the caller gets a local response with <paramref name="status"/>.
    /// </summary>
    public void Abandon(SipOutgoingMessage request, int status, string reason)
    {
        var via = SipVia.Parse(request.Get(SipHeaderKind.Via) ?? string.Empty);
        var key = new SipTransactionKey(via.Branch ?? string.Empty, SentBy(via), request.Method!);
        ClientEntry? entry;
        lock (Gate)
        {
            if (!_clients.TryGetValue(key, out entry) || entry.Final.Task.IsCompleted)
            {
                return;
            }

            Remove(entry);
        }

        entry.Final.TrySetResult(SipLocalResponse.For(entry.RequestBytes, status, reason));
    }

    /// <summary>A response from the network; false when no client transaction matches (a 2xx retransmission for the dialog, or a stray).</summary>
    public bool OnResponse(SipResponse response)
    {
        if (!SipTransactionKey.TryForResponse(response, out var key))
        {
            return false;
        }

        lock (Gate)
        {
            if (!_clients.TryGetValue(key, out var entry))
            {
                return false;
            }

            var actions = entry.Transaction switch
            {
                SipInviteClientTransaction ict => ict.OnResponse(response, Now),
                SipNonInviteClientTransaction nict => nict.OnResponse(response, Now),
                _ => [],
            };
            Process(entry, actions);
            return true;
        }
    }

    /// <summary>
    /// A request from the network. Retransmissions and ACKs are absorbed here (null, with the ACK
    /// for a 2xx handed to its retransmitter); a new request gets a server transaction for the UA
    /// core. <paramref name="ackFor2xx"/> is set when the request was the ACK of a 2xx we sent.
    /// </summary>
    public SipServerTransaction? OnRequest(SipRequest request, SipRemote from, out bool ackFor2xx)
    {
        ackFor2xx = false;
        var key = KeyFor(request);
        lock (Gate)
        {
            if (_disposed)
            {
                return null;
            }

            var method = request.Method;
            if (method is SipMethods.Ack or SipMethods.Invite && _successes.TryGetValue((request.CallId, request.CSeq.Number), out var success)
                && (method == SipMethods.Ack || success.Key == key))
            {
                ackFor2xx = method == SipMethods.Ack;
                Process(success, success.Retransmitter.OnRequest(request, Now));
                return null;
            }

            if (_servers.TryGetValue(key, out var existing))
            {
                var actions = existing.Transaction switch
                {
                    SipInviteServerTransaction ist => ist.OnRequest(request, Now),
                    SipNonInviteServerTransaction nist when method != SipMethods.Ack => nist.OnRequest(request, Now),
                    _ => [],
                };
                Process(existing, actions);
                return null;
            }

            if (method == SipMethods.Ack)
            {
                // §17.2.3: an ACK matching nothing is for a 2xx whose retransmitter is gone; the core drops it.
                ackFor2xx = true;
                return null;
            }

            var target = ResponseTarget(request, from);
            SipServerTransaction tx;
            if (method == SipMethods.Invite)
            {
                var ist = new SipInviteServerTransaction(from.IsReliable, Timers);
                tx = new SipServerTransaction(this, key, ist, request, from, target);
                _servers[key] = tx;

                // The transaction's own 100 lacks received/rport; ours (RFC 3581 §4) replaces it and is what it repeats.
                Process(tx, ist.Start(request, Now).Where(a => a is not SipTransactionAction.Send).ToList());
                Process(tx, ist.Respond(tx.CreateResponse(100), Now));
            }
            else
            {
                tx = new SipServerTransaction(this, key, new SipNonInviteServerTransaction(from.IsReliable, Timers), request, from, target);
                _servers[key] = tx;
            }

            return tx;
        }
    }

    /// <summary>The INVITE server transaction a CANCEL targets (RFC 3261 §9.2), if it is still there.</summary>
    public SipServerTransaction? FindCancelled(SipServerTransaction cancel)
    {
        lock (Gate)
        {
            return _servers.GetValueOrDefault(cancel.Key with { Method = SipMethods.Invite });
        }
    }

    internal void Respond(SipServerTransaction tx, SipOutgoingMessage response)
    {
        lock (Gate)
        {
            if (tx.Transaction.State == SipTransactionState.Terminated || _disposed)
            {
                return;
            }

            var actions = tx.Transaction switch
            {
                SipInviteServerTransaction ist => ist.Respond(response, Now),
                SipNonInviteServerTransaction nist => nist.Respond(response, Now),
                _ => [],
            };
            Process(tx, actions);
        }
    }

    /// <summary>
    /// Sends a 2xx to an INVITE and keeps retransmitting it until the ACK arrives (RFC 3261
    /// §13.3.1.4). The task gives the ACK (it may carry the SDP answer), or null after 64*T1 without one.
    /// </summary>
    internal Task<SipRequest?> RespondSuccess(SipServerTransaction tx, SipOutgoingMessage response)
    {
        var retransmitter = new SipInviteSuccessRetransmitter(response, tx.Remote.IsReliable, Timers);
        var entry = new SuccessEntry(this, tx.Key, retransmitter, tx.ResponseTarget, (tx.Request.CallId, tx.Request.CSeq.Number));
        lock (Gate)
        {
            if (_disposed)
            {
                entry.Acked.TrySetResult(null);
                return entry.Acked.Task;
            }

            _successes[entry.DialogKey] = entry;
            Respond(tx, response);

            // The transaction sent the 2xx once; the retransmitter only repeats it.
            var actions = retransmitter.Start(Now).Where(a => a is not SipTransactionAction.Send { IsRetransmission: false }).ToList();
            Process(entry, actions);
        }

        return entry.Acked.Task;
    }

    /// <summary>Where responses to a request go (RFC 3261 §18.2.2, RFC 3581 §4).</summary>
    internal static SipRemote ResponseTarget(SipRequest request, SipRemote from)
    {
        if (from.IsReliable)
        {
            return from; // the connection it came on
        }

        var via = request.TopVia!.WithReceivedFrom(from.EndPoint.Address.ToString(), from.EndPoint.Port);
        var (host, port) = via.ResponseDestination();
        return System.Net.IPAddress.TryParse(host, out var address) ? new SipRemote(from.Transport, new System.Net.IPEndPoint(address, port)) : from;
    }

    internal static SipTransactionKey KeyFor(SipRequest request)
    {
        if (SipTransactionKey.TryForRequest(request, out var key))
        {
            return key;
        }

        // RFC 3261 §17.2.3 for pre-3261 peers: Call-ID, CSeq number, From tag and top Via stand in for the branch.
        var via = request.TopVia!;
        var method = request.Method == SipMethods.Ack ? SipMethods.Invite : request.Method;
        return new SipTransactionKey($"2543:{request.CallId}:{request.CSeq.Number}:{request.From.Tag}:{via.Branch}", SentBy(via), method);
    }

    private static string SentBy(SipVia via) =>
        via.Port is int p ? $"{via.Host.ToLowerInvariant()}:{p}" : via.Host.ToLowerInvariant();

    public void Dispose()
    {
        List<ClientEntry> pending;
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pending = [.. _clients.Values];
            foreach (var e in _clients.Values)
            {
                e.Timer.Dispose();
            }

            foreach (var e in _servers.Values)
            {
                e.Timer.Dispose();
            }

            foreach (var e in _successes.Values)
            {
                e.Timer.Dispose();
                e.Acked.TrySetResult(null);
            }

            _clients.Clear();
            _servers.Clear();
            _successes.Clear();
        }

        foreach (var e in pending)
        {
            e.Final.TrySetResult(SipLocalResponse.For(e.RequestBytes, 503, "UA Stopped"));
        }
    }
}
