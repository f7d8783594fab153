using System.Net;
using Microsoft.Extensions.Logging;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>
/// The UA's log lines, with fixed event ids (5100–5199). No line carries a password, a digest
/// response or an Authorization header: credentials appear only as the user name.
/// </summary>
internal static class SipStackLog
{
    private static readonly Action<ILogger, string, IPEndPoint, string, Exception?> SendFailedMessage =
        LoggerMessage.Define<string, IPEndPoint, string>(LogLevel.Warning, new EventId(5101, "SipSendFailed"), "SIP {Transport} send to {Remote} failed: {Reason}");

    private static readonly Action<ILogger, SipRemote, string, Exception?> MalformedMessage =
        LoggerMessage.Define<SipRemote, string>(LogLevel.Information, new EventId(5102, "SipMalformed"), "SIP message from {Remote} rejected: {Error}");

    private static readonly Action<ILogger, IPEndPoint, int, Exception?> ConnectionRefusedMessage =
        LoggerMessage.Define<IPEndPoint, int>(LogLevel.Warning, new EventId(5103, "SipConnectionRefused"), "SIP connection from {Remote} refused: {Max} connections open");

    private static readonly Action<ILogger, IPEndPoint, string, Exception?> TlsFailedMessage =
        LoggerMessage.Define<IPEndPoint, string>(LogLevel.Information, new EventId(5104, "SipTlsFailed"), "TLS handshake with {Remote} failed: {Reason}");

    private static readonly Action<ILogger, string, string, string, Exception?> RegisteredMessage =
        LoggerMessage.Define<string, string, string>(LogLevel.Information, new EventId(5110, "SipRegistered"), "Registered {Aor} at {Registrar} for {Expires}");

    private static readonly Action<ILogger, string, string, int, string, Exception?> RegisterFailedMessage =
        LoggerMessage.Define<string, string, int, string>(LogLevel.Warning, new EventId(5111, "SipRegisterFailed"), "Registration of {Aor} at {Registrar} failed: {Status} {Reason}");

    private static readonly Action<ILogger, string, string, string, string, Exception?> CredentialsRejectedMessage =
        LoggerMessage.Define<string, string, string, string>(LogLevel.Error, new EventId(5112, "SipCredentialsRejected"),
            "Registration of {Aor} at {Registrar} rejected: the registrar refused the credentials of user '{User}' (wrong password or user name?); next try in {RetryIn}");

    private static readonly Action<ILogger, string, string, string, Exception?> RegisterRetryMessage =
        LoggerMessage.Define<string, string, string>(LogLevel.Information, new EventId(5113, "SipRegisterRetry"), "Registration of {Aor} at {Registrar}: next try in {RetryIn}");

    private static readonly Action<ILogger, string, string, SipRemote, Exception?> IncomingCallMessage =
        LoggerMessage.Define<string, string, SipRemote>(LogLevel.Information, new EventId(5120, "SipIncomingCall"), "Incoming call {CallId} to {To} from {Remote}");

    private static readonly Action<ILogger, string, string, Exception?> CallEndedMessage =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(5121, "SipCallEnded"), "Call {CallId} ended: {Reason}");

    private static readonly Action<ILogger, string, string, Exception?> CallEventMessage =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(5122, "SipCallEvent"), "Call {CallId}: {Event}");

    private static readonly Action<ILogger, string, Exception?> HandlerFailedMessage =
        LoggerMessage.Define<string>(LogLevel.Error, new EventId(5130, "SipHandlerFailed"), "SIP request handler failed for {Method}");

    public static void SendFailed(ILogger log, string transport, IPEndPoint remote, string reason) => SendFailedMessage(log, transport, remote, reason, null);

    public static void Malformed(ILogger log, SipRemote remote, string error) => MalformedMessage(log, remote, error, null);

    public static void ConnectionRefused(ILogger log, IPEndPoint remote, int max) => ConnectionRefusedMessage(log, remote, max, null);

    public static void TlsHandshakeFailed(ILogger log, IPEndPoint remote, string reason) => TlsFailedMessage(log, remote, reason, null);

    public static void Registered(ILogger log, string aor, string registrar, TimeSpan expires) => RegisteredMessage(log, aor, registrar, expires.ToString(), null);

    public static void RegisterFailed(ILogger log, string aor, string registrar, int status, string reason) => RegisterFailedMessage(log, aor, registrar, status, reason, null);

    public static void CredentialsRejected(ILogger log, string aor, string registrar, string user, TimeSpan retryIn) =>
        CredentialsRejectedMessage(log, aor, registrar, user, retryIn.ToString(), null);

    public static void RegisterRetry(ILogger log, string aor, string registrar, TimeSpan retryIn) => RegisterRetryMessage(log, aor, registrar, retryIn.ToString(), null);

    public static void IncomingCall(ILogger log, string callId, string to, SipRemote remote) => IncomingCallMessage(log, callId, to, remote, null);

    public static void CallEnded(ILogger log, string callId, string reason) => CallEndedMessage(log, callId, reason, null);

    public static void CallEvent(ILogger log, string callId, string text) => CallEventMessage(log, callId, text, null);

    public static void HandlerFailed(ILogger log, string method, Exception e) => HandlerFailedMessage(log, method, e);

    private static readonly Action<ILogger, string, string, int, string, Exception?> FailedOverMessage =
        LoggerMessage.Define<string, string, int, string>(LogLevel.Warning, new EventId(5123, "SipFailedOver"), "{Method} to {Target} failed ({Status}); trying the next server {Next} (RFC 3263)");

    public static void FailedOver(ILogger log, string method, string target, int status, string next) => FailedOverMessage(log, method, target, status, next, null);
}
