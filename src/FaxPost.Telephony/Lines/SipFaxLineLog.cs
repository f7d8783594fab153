using Microsoft.Extensions.Logging;

namespace FaxPost.Telephony.Lines;

/// <summary>Log lines of the SIP line (event ids 5201–5230). No password or digest ever appears here.</summary>
internal static partial class SipFaxLineLog
{
    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "SIP line {Line} listening on {Addresses}")]
    public static partial void Started(ILogger logger, string line, string addresses);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning, Message = "Refused {Method} from {Source}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string source, string reason);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Rate limit: {Reason}; further requests from it are dropped quietly")]
    public static partial void Flood(ILogger logger, string reason);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Information, Message = "Job {JobId}: calling {Number} on trunk {Trunk} ({Attempt} of {Candidates}){Fallback}")]
    public static partial void Dialling(ILogger logger, long jobId, string number, string trunk, int attempt, int candidates, string fallback);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Warning, Message = "Job {JobId}: trunk {Trunk} failed ({Reason}); trying the next trunk")]
    public static partial void NextTrunk(ILogger logger, long jobId, string trunk, string reason);

    [LoggerMessage(EventId = 5206, Level = LogLevel.Information, Message = "Job {JobId}: call on trunk {Trunk} ended: {Result}, {Pages} page(s), {Reason}")]
    public static partial void CallEnded(ILogger logger, long jobId, string trunk, string result, int pages, string reason);

    [LoggerMessage(EventId = 5207, Level = LogLevel.Information, Message = "Inbound call {CallId} on trunk {Trunk} from {Caller} to {Dialled}")]
    public static partial void Inbound(ILogger logger, string callId, string trunk, string? caller, string? dialled);

    [LoggerMessage(EventId = 5208, Level = LogLevel.Information, Message = "Inbound call {CallId} on trunk {Trunk} ended: {Pages} page(s), {Reason}")]
    public static partial void InboundEnded(ILogger logger, string callId, string trunk, int pages, string reason);

    [LoggerMessage(EventId = 5209, Level = LogLevel.Warning, Message = "Inbound call {CallId} on trunk {Trunk} rejected with {Status}: {Reason}")]
    public static partial void InboundRejected(ILogger logger, string callId, string trunk, int status, string reason);

    [LoggerMessage(EventId = 5210, Level = LogLevel.Warning, Message = "Trunk {Trunk}: address {Host} could not be resolved for the inbound ACL: {Reason}")]
    public static partial void Unresolved(ILogger logger, string trunk, string host, string reason);

    [LoggerMessage(EventId = 5211, Level = LogLevel.Information, Message = "Trunk {Trunk}: registering {User} at {Registrar}")]
    public static partial void Registering(ILogger logger, string trunk, string user, string registrar);

    [LoggerMessage(EventId = 5212, Level = LogLevel.Debug, Message = "T.38 {Call}: {Line}")]
    public static partial void T38Trace(ILogger logger, string call, string line);
}
