namespace FaxPost.Core.Rights;

/// <summary>The principal lacks a right. Front doors map it to 403 (or 404 where existence must not leak).</summary>
public sealed class AccessDeniedException(string message) : Exception(message);
