using FaxPost.Telephony.Sip.Transactions;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>The entries of the table and what their actions do.</summary>
internal sealed partial class SipTransactionLayer
{
    /// <summary>Runs a transaction's actions (under <see cref="Gate"/>) and re-arms its timer.</summary>
    private void Process(Entry entry, IReadOnlyList<SipTransactionAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case SipTransactionAction.Send send:
                    _ = SendAsync(entry, send.Message);
                    break;
                case SipTransactionAction.DeliverResponse deliver when entry is ClientEntry client:
                    if (deliver.Response.StatusCode >= 200)
                    {
                        client.Final.TrySetResult(deliver.Response);
                    }
                    else if (client.Provisional is { } callback)
                    {
                        var response = deliver.Response;
                        ThreadPool.QueueUserWorkItem(_ => callback(response));
                    }

                    break;
                case SipTransactionAction.TimedOut when entry is ClientEntry client:
                    client.Final.TrySetResult(SipLocalResponse.For(client.RequestBytes, 408, "Request Timeout"));
                    break;
                case SipTransactionAction.TransportFailed when entry is ClientEntry client:
                    client.Final.TrySetResult(SipLocalResponse.For(client.RequestBytes, 503, "Service Unavailable (transport)"));
                    break;
                case SipTransactionAction.AckReceived ack when entry is SuccessEntry success:
                    success.Acked.TrySetResult(ack.Ack);
                    break;
                case SipTransactionAction.TimedOut or SipTransactionAction.TransportFailed when entry is SuccessEntry success:
                    success.Acked.TrySetResult(null);
                    break;
                case SipTransactionAction.Terminated:
                    Remove(entry);
                    break;
            }
        }

        if (entry.Transaction.State == SipTransactionState.Terminated)
        {
            entry.Timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        else if (entry.Transaction.NextDeadline is TimeSpan due)
        {
            var wait = due - Now;
            entry.Timer.Change(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
        }
    }

    private void Remove(Entry entry)
    {
        switch (entry)
        {
            case ClientEntry c when _clients.TryGetValue(c.Key, out var current) && current == c:
                _clients.Remove(c.Key);
                break;
            case SipServerTransaction s when _servers.TryGetValue(s.Key, out var current) && current == s:
                _servers.Remove(s.Key);
                break;
            case SuccessEntry s when _successes.TryGetValue(s.DialogKey, out var current) && current == s:
                _successes.Remove(s.DialogKey);
                break;
        }

        entry.Timer.Dispose();
    }

    private async Task SendAsync(Entry entry, ReadOnlyMemory<byte> message)
    {
        if (await _send(message, entry.Target).ConfigureAwait(false))
        {
            return;
        }

        lock (Gate)
        {
            if (!_disposed && entry.Transaction.State != SipTransactionState.Terminated)
            {
                Process(entry, entry.Transaction.OnTransportError());
            }
        }
    }

    private void OnTimer(Entry entry)
    {
        lock (Gate)
        {
            if (!_disposed && entry.Transaction.State != SipTransactionState.Terminated)
            {
                Process(entry, entry.Transaction.OnTimer(Now));
            }
        }
    }

    internal abstract class Entry
    {
        protected Entry(SipTransactionLayer layer, SipTransactionKey key, SipTransaction transaction, SipRemote target)
        {
            Key = key;
            Transaction = transaction;
            Target = target;
            Timer = layer._time.CreateTimer(static s => ((Entry)s!).Layer.OnTimer((Entry)s!), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Layer = layer;
        }

        public SipTransactionLayer Layer { get; }

        public SipTransactionKey Key { get; }

        public SipTransaction Transaction { get; }

        /// <summary>Where this transaction's messages go.</summary>
        public SipRemote Target { get; }

        public ITimer Timer { get; }
    }

    private sealed class ClientEntry(SipTransactionLayer layer, SipTransactionKey key, SipTransaction transaction, SipRemote target, SipOutgoingMessage request, Action<SipResponse>? provisional)
        : Entry(layer, key, transaction, target)
    {
        public TaskCompletionSource<SipResponse> Final { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public byte[] RequestBytes { get; } = request.ToArray();

        public Action<SipResponse>? Provisional { get; } = provisional;
    }

    private sealed class SuccessEntry(SipTransactionLayer layer, SipTransactionKey key, SipInviteSuccessRetransmitter retransmitter, SipRemote target, (string, uint) dialogKey)
        : Entry(layer, key, retransmitter, target)
    {
        public SipInviteSuccessRetransmitter Retransmitter { get; } = retransmitter;

        public (string CallId, uint CSeq) DialogKey { get; } = dialogKey;

        public TaskCompletionSource<SipRequest?> Acked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>
/// A request we received, in its server transaction. The UA core answers through it; responses
/// go where RFC 3261 §18.2.2 says (the connection, or the Via's received/rport address).
/// </summary>
internal sealed class SipServerTransaction : SipTransactionLayer.Entry
{
    internal SipServerTransaction(SipTransactionLayer layer, SipTransactionKey key, SipTransaction transaction, SipRequest request, SipRemote remote, SipRemote responseTarget)
        : base(layer, key, transaction, responseTarget)
    {
        Request = request;
        Remote = remote;
    }

    public SipRequest Request { get; }

    /// <summary>Where the request came from.</summary>
    public SipRemote Remote { get; }

    public SipRemote ResponseTarget => Target;

    /// <summary>Whether a final response can still be sent.</summary>
    public bool IsPending => Transaction.State is SipTransactionState.Trying or SipTransactionState.Proceeding;

    /// <summary>A response to the request with received/rport filled in (RFC 3581 §4).</summary>
    public SipOutgoingMessage CreateResponse(int status, string? reason = null, string? toTag = null) =>
        SipOutgoingMessage.ResponseTo(Request, status, reason, toTag, (Remote.EndPoint.Address.ToString(), Remote.EndPoint.Port));

    public void Respond(SipOutgoingMessage response) => Layer.Respond(this, response);

    public void Respond(int status, string? reason = null, string? toTag = null) => Respond(CreateResponse(status, reason, toTag));

    public Task<SipRequest?> RespondSuccess(SipOutgoingMessage response) => Layer.RespondSuccess(this, response);
}

/// <summary>Responses the UA makes up itself: 408 on timeout, 503 on transport failure (RFC 3261 §8.1.3.1).</summary>
internal static class SipLocalResponse
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SipResponse, object> Local = [];

    public static SipResponse For(byte[] requestBytes, int status, string reason)
    {
        var request = (SipRequest)SipMessageParser.ParseDatagram(requestBytes).Message!;
        var bytes = SipOutgoingMessage.ResponseTo(request, status, reason).ToArray();
        var response = (SipResponse)SipMessageParser.ParseDatagram(bytes).Message!;
        Local.AddOrUpdate(response, Local);
        return response;
    }

    /// <summary>Whether <paramref name="response"/> was made up here (timeout, transport failure) rather than received.</summary>
    public static bool IsLocal(SipResponse response) => Local.TryGetValue(response, out _);
}
