using System.Net;
using System.Net.Sockets;

namespace FaxPost.Telephony.Sip.Stack;

public enum SipCallDirection
{
    Outgoing,
    Incoming,
}

public enum SipCallState
{
    Established,
    Terminated,
}

/// <summary>Why a call ended.</summary>
public enum SipCallEndReason
{
    /// <summary>We sent BYE.</summary>
    LocalHangUp,

    /// <summary>The peer sent BYE.</summary>
    RemoteHangUp,

    /// <summary>RFC 4028: no session refresh came in time.</summary>
    SessionExpired,

    /// <summary>Our 2xx was never acknowledged (RFC 3261 §13.3.1.4).</summary>
    NoAck,

    /// <summary>The UA was stopped.</summary>
    Shutdown,
}

/// <summary>How a call ended: the reason, the SIP status of the BYE (or 0) and a text for logs.</summary>
public sealed record SipCallEnd(SipCallEndReason Reason, int StatusCode, string Text);

/// <summary>The outcome of a re-INVITE we sent: the final status, and whether T.38 is now agreed.</summary>
public sealed record SipReinviteResult(int StatusCode, string ReasonPhrase, bool T38Agreed)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}

/// <summary>The outcome of <see cref="SipUserAgent.InviteAsync(SipInviteOptions, CancellationToken)"/>: a call, or the final status.</summary>
public sealed record SipInviteResult(int StatusCode, string ReasonPhrase, SipCall? Call)
{
    public bool IsSuccess => Call is not null;

    public override string ToString() => $"{StatusCode} {ReasonPhrase}";
}

/// <summary>A SIP failure the caller should see as a status (no answer, no ACK, bad SDP...).</summary>
public sealed class SipCallException : Exception
{
    public SipCallException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public SipCallException()
    {
    }

    public SipCallException(string message)
        : base(message)
    {
    }

    public SipCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int StatusCode { get; }
}

/// <summary>A request outside any dialog handed to <see cref="SipUserAgent.RequestHandler"/> (REGISTER, MESSAGE...).</summary>
public sealed class SipServerRequest
{
    private readonly SipServerTransaction _tx;

    internal SipServerRequest(SipServerTransaction tx)
    {
        _tx = tx;
    }

    public SipRequest Request => _tx.Request;

    public SipRemote Remote => _tx.Remote;

    /// <summary>A response with Via (received/rport), From, To, Call-ID and CSeq filled in; add headers, then <see cref="Respond"/>.</summary>
    public SipOutgoingMessage CreateResponse(int statusCode, string? reasonPhrase = null, string? toTag = null) =>
        _tx.CreateResponse(statusCode, reasonPhrase, toTag);

    public void Respond(SipOutgoingMessage response) => _tx.Respond(response);

    public void Respond(int statusCode, string? reasonPhrase = null) => _tx.Respond(statusCode, reasonPhrase);
}

/// <summary>
/// The UDP ports a call puts in its SDP, held open until the T.38 endpoint takes over the image port,
/// so no other call gets them in between. (Audio is offered but not yet carried: G.711 is a later issue.)
/// </summary>
internal sealed class SipMediaPorts : IDisposable
{
    private Socket? _audio;
    private Socket? _image;

    public SipMediaPorts(IPAddress bind)
    {
        _audio = Bind(bind);
        _image = Bind(bind);
        AudioPort = ((IPEndPoint)_audio.LocalEndPoint!).Port;
        ImagePort = ((IPEndPoint)_image.LocalEndPoint!).Port;
        BindAddress = bind;
    }

    public IPAddress BindAddress { get; }

    public int AudioPort { get; }

    public int ImagePort { get; }

    /// <summary>Frees the image port for the T.38 endpoint, which binds it next.</summary>
    public IPEndPoint ReleaseImage()
    {
        var image = Interlocked.Exchange(ref _image, null);
        image?.Dispose();
        return new IPEndPoint(BindAddress, ImagePort);
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _audio, null)?.Dispose();
        Interlocked.Exchange(ref _image, null)?.Dispose();
    }

    private static Socket Bind(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return socket;
    }
}
