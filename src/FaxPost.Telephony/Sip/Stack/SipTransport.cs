using System.Net;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>
/// A transport adapter (RFC 3261 §18): puts bytes on the wire and hands every received message, or
/// the reason one could not be parsed, to the UA. Protocol code above never sees a socket.
/// </summary>
internal abstract class SipTransport : IAsyncDisposable
{
    private Action<SipMessage, SipRemote>? _onMessage;
    private Action<SipParseError, SipRemote>? _onMalformed;

    public abstract SipTransportKind Kind { get; }

    /// <summary>The address the transport listens on (port picked when 0 was asked for).</summary>
    public abstract IPEndPoint LocalEndPoint { get; }

    public void Start(Action<SipMessage, SipRemote> onMessage, Action<SipParseError, SipRemote> onMalformed)
    {
        _onMessage = onMessage;
        _onMalformed = onMalformed;
        StartCore();
    }

    /// <summary>Queues a message for <paramref name="to"/>; false when it cannot be sent (no route, connection refused).</summary>
    public abstract Task<bool> SendAsync(ReadOnlyMemory<byte> message, IPEndPoint to);

    public abstract ValueTask DisposeAsync();

    private protected abstract void StartCore();

    private protected void Deliver(SipMessage message, IPEndPoint from) => _onMessage?.Invoke(message, new SipRemote(Kind, from));

    private protected void Malformed(SipParseError error, IPEndPoint from) => _onMalformed?.Invoke(error, new SipRemote(Kind, from));
}
