using System.Text.Json;
using FaxPost.Core;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Imaging.Conversion;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Problems;

/// <summary>
/// The stable problem types of the API (RFC 9457 §3.1.1: a URI identifying the kind of problem;
/// ours are URNs since they are names, not pages). Clients branch on <c>type</c>; <c>detail</c> is
/// the post office's message in words for people.
/// </summary>
public static class ProblemKinds
{
    public const string Prefix = "urn:faxpost:problem:";
    public const string Validation = Prefix + "validation";
    public const string NotFound = Prefix + "not-found";
    public const string Forbidden = Prefix + "forbidden";
    public const string Conflict = Prefix + "conflict";
    public const string Duplicate = Prefix + "duplicate";
    public const string Overloaded = Prefix + "overloaded";
    public const string Document = Prefix + "document";
    public const string Unauthenticated = Prefix + "unauthenticated";
    public const string TooLarge = Prefix + "too-large";
    public const string BadRequest = Prefix + "bad-request";
    public const string Internal = Prefix + "internal";
    public const string DamagedDocument = Prefix + "damaged-document";

    /// <summary>Maps an exception from the post office (or from reading the request) to a problem; null = not ours (500).</summary>
    internal static ProblemDetails? From(Exception e) => e switch
    {
        ValidationException => Make(StatusCodes.Status400BadRequest, Validation, "The request is not valid", e.Message),
        NotFoundException => Make(StatusCodes.Status404NotFound, NotFound, "Not found", e.Message),
        AccessDeniedException => Make(StatusCodes.Status403Forbidden, Forbidden, "Not allowed", e.Message),
        ConflictException => Make(StatusCodes.Status409Conflict, Conflict, "Conflict with the current state", e.Message),
        DuplicateException => Make(StatusCodes.Status409Conflict, Duplicate, "Already taken", e.Message),
        OverloadedException => Make(StatusCodes.Status503ServiceUnavailable, Overloaded, "The server refuses new work for now", e.Message),
        DocumentConversionException d => Document422(d),
        Api.DamagedDocumentException => Make(StatusCodes.Status500InternalServerError, DamagedDocument, "A stored document is damaged", e.Message),
        BadHttpRequestException b when b.StatusCode == StatusCodes.Status413PayloadTooLarge =>
            Make(StatusCodes.Status413PayloadTooLarge, TooLarge, "The request is too large", b.Message),
        BadHttpRequestException b => Make(b.StatusCode is >= 400 and < 500 ? b.StatusCode : 400, BadRequest, "The request cannot be read", Plain(b)),
        JsonException j => Make(StatusCodes.Status400BadRequest, BadRequest, "The request cannot be read", "The JSON body is malformed" + (j.Path is null ? "." : $" at {j.Path}.")),
        _ => null,
    };

    internal static ProblemDetails Make(int status, string type, string title, string? detail) =>
        new() { Status = status, Type = type, Title = title, Detail = detail };

    private static ProblemDetails Document422(DocumentConversionException d)
    {
        var problem = Make(StatusCodes.Status422UnprocessableEntity, Document, "A document cannot be faxed", d.Message);
        problem.Extensions["fileName"] = d.FileName;
        problem.Extensions["reason"] = JsonNamingPolicy.CamelCase.ConvertName(d.Reason.ToString());
        return problem;
    }

    // Binding errors wrap a JsonException whose message names the field; keep that, drop the rest.
    private static string Plain(BadHttpRequestException b) =>
        b.InnerException is JsonException j ? $"{b.Message} {j.Message}" : b.Message;
}
