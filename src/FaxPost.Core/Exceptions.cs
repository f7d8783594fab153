namespace FaxPost.Core;

/// <summary>A request is malformed or breaks a rule; the message says what, in words for the user.
/// Front doors map it to 400 (REST), a reply mail, a 5xx protocol reply.</summary>
public sealed class ValidationException(string message) : Exception(message);

/// <summary>The thing asked for does not exist (or the caller may not know it exists).</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>The server refuses new work for now (disk nearly full, queue over its limit).</summary>
public sealed class OverloadedException(string message) : Exception(message);

/// <summary>The request conflicts with the current state (cancel a finished job, ...).</summary>
public sealed class ConflictException(string message) : Exception(message);
