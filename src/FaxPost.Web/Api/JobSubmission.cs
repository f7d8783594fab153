using System.Globalization;
using System.Text.Json;
using FaxPost.Core;
using FaxPost.Core.Configuration;
using FaxPost.Core.Jobs;
using FaxPost.Imaging.Conversion;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FaxPost.Web.Api;

/// <summary>A submission as JSON, documents in base64 (for programs that do not speak multipart).</summary>
public sealed record SubmitJobJson
{
    /// <summary>Fax numbers as people type them.</summary>
    public IReadOnlyList<string>? To { get; init; }

    /// <summary>Recipients with names (cover page) or address-book references.</summary>
    public IReadOnlyList<RecipientJson>? Recipients { get; init; }

    public IReadOnlyList<long>? Contacts { get; init; }

    public IReadOnlyList<long>? Lists { get; init; }

    public IReadOnlyList<DocumentJson>? Documents { get; init; }

    public long? Mailbox { get; init; }

    public string? Resolution { get; init; }

    public int? Priority { get; init; }

    public DateTimeOffset? NotBefore { get; init; }

    public int? MaxTries { get; init; }

    public bool Cover { get; init; }

    public string? Subject { get; init; }

    public string? Note { get; init; }

    public string? Notify { get; init; }
}

public sealed record RecipientJson(string? Number, string? Name, string? Company, long? ContactId, long? ListId);

public sealed record DocumentJson(string? FileName, string? Content);

/// <summary>
/// Reads a job submission from multipart/form-data (files plus fields to, contact, list, resolution,
/// priority, notBefore, maxTries, cover, subject, note, notify, mailbox) or from JSON with base64
/// documents, into the post office's <see cref="SubmitRequest"/>. Values that do not parse are
/// refused with the field named; the rules themselves are the post office's.
/// </summary>
internal static class JobSubmission
{
    public static async Task<(SubmitRequest Request, IAsyncDisposable Owned)> ReadAsync(HttpRequest request, LimitOptions limits, JsonSerializerOptions json, TimeSpan wait, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            return await ReadFormAsync(request, limits, wait, ct).ConfigureAwait(false);
        }

        if (request.HasJsonContentType())
        {
            var body = await request.ReadFromJsonAsync<SubmitJobJson>(json, ct).ConfigureAwait(false)
                ?? throw new ValidationException("The request body is empty.");
            return (FromJson(body, limits, wait), Owned.None);
        }

        throw new BadHttpRequestException("Send a fax as multipart/form-data (files and fields) or as application/json (base64 documents).", StatusCodes.Status415UnsupportedMediaType);
    }

    private static async Task<(SubmitRequest, IAsyncDisposable)> ReadFormAsync(HttpRequest request, LimitOptions limits, TimeSpan wait, CancellationToken ct)
    {
        var features = request.HttpContext.Features;
        features.Set<Microsoft.AspNetCore.Http.Features.IFormFeature>(new Microsoft.AspNetCore.Http.Features.FormFeature(request, new Microsoft.AspNetCore.Http.Features.FormOptions
        {
            MultipartBodyLengthLimit = BodyLimits.UploadLimit(limits),
            ValueCountLimit = 2048,
            ValueLengthLimit = 64 * 1024,
        }));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new BadHttpRequestException($"The form cannot be read: {e.Message}", e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest);
        }

        var recipients = new List<RecipientSpec>();
        foreach (string number in Split(form["to"]))
        {
            recipients.Add(new RecipientSpec(Number: number));
        }

        recipients.AddRange(Split(form["contact"]).Select(c => new RecipientSpec(ContactId: Id("contact", c))));
        recipients.AddRange(Split(form["list"]).Select(l => new RecipientSpec(ListId: Id("list", l))));
        var owned = new Owned();
        var documents = new List<UploadedDocument>();
        foreach (var file in form.Files)
        {
            var stream = file.OpenReadStream();
            owned.Add(stream);
            documents.Add(new UploadedDocument(file.FileName, stream));
        }

        var submit = new SubmitRequest
        {
            Recipients = recipients,
            Documents = documents,
            MailboxId = Optional(form["mailbox"], s => Id("mailbox", s)),
            Resolution = Resolution(Single(form["resolution"])),
            Priority = Optional(form["priority"], s => Int("priority", s)) ?? JobDefaults.Priority,
            NotBefore = Optional(form["notBefore"], Time),
            MaxTries = Optional(form["maxTries"], s => Int("maxTries", s)),
            CoverPage = Optional(form["cover"], Bool) ?? false,
            Subject = Single(form["subject"]),
            Note = Single(form["note"]),
            NotifyAddress = Single(form["notify"]),
            WaitForConversion = wait,
        };
        return (submit, owned);
    }

    private static SubmitRequest FromJson(SubmitJobJson body, LimitOptions limits, TimeSpan wait)
    {
        var recipients = new List<RecipientSpec>();
        recipients.AddRange((body.To ?? []).SelectMany(t => Split(new StringValues(t))).Select(n => new RecipientSpec(Number: n)));
        recipients.AddRange((body.Recipients ?? []).Select(r => new RecipientSpec(r.Number, r.Name, r.Company, r.ContactId, r.ListId)));
        recipients.AddRange((body.Contacts ?? []).Select(c => new RecipientSpec(ContactId: c)));
        recipients.AddRange((body.Lists ?? []).Select(l => new RecipientSpec(ListId: l)));
        var documents = new List<UploadedDocument>();
        long total = 0;
        int index = 0;
        foreach (var document in body.Documents ?? [])
        {
            index++;
            string name = string.IsNullOrWhiteSpace(document.FileName) ? $"document {index}" : document.FileName;
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(document.Content ?? "");
            }
            catch (FormatException)
            {
                throw new ValidationException($"{name}: the content is not base64.");
            }

            total += bytes.Length;
            if (total > limits.MaxUploadBytes)
            {
                throw new DocumentConversionException(name, ConversionFailure.TooLarge, $"{name}: the documents are larger than {limits.MaxUploadBytes / (1024 * 1024)} MiB together");
            }

            documents.Add(new UploadedDocument(name, new MemoryStream(bytes, writable: false)));
        }

        return new SubmitRequest
        {
            Recipients = recipients,
            Documents = documents,
            MailboxId = body.Mailbox,
            Resolution = Resolution(body.Resolution),
            Priority = body.Priority ?? JobDefaults.Priority,
            NotBefore = body.NotBefore,
            MaxTries = body.MaxTries,
            CoverPage = body.Cover,
            Subject = body.Subject,
            Note = body.Note,
            NotifyAddress = body.Notify,
            WaitForConversion = wait,
        };
    }

    internal static FaxResolution Resolution(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "fine" => FaxResolution.Fine,
        "standard" or "normal" or "low" => FaxResolution.Standard,
        "superfine" => FaxResolution.Superfine,
        _ => throw new ValidationException($"'{value}' is not a resolution; use standard, fine or superfine."),
    };

    /// <summary>Repeated fields and comma-separated lists alike ("to=1&amp;to=2" or "to=1,2").</summary>
    private static IEnumerable<string> Split(StringValues values) =>
        values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string? Single(StringValues values) => values.Count == 0 || string.IsNullOrWhiteSpace(values[^1]) ? null : values[^1]!.Trim();

    private static T? Optional<T>(StringValues values, Func<string, T> parse)
        where T : struct =>
        Single(values) is { } s ? parse(s) : null;

    private static long Id(string field, string s) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id > 0 ? id : throw new ValidationException($"'{s}' is not a {field} id.");

    private static int Int(string field, string s) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : throw new ValidationException($"{field}: '{s}' is not a whole number.");

    private static DateTimeOffset Time(string s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new ValidationException($"notBefore: '{s}' is not a time; use ISO 8601, e.g. 2026-01-31T18:00:00Z.");

    private static bool Bool(string s) => s.ToLowerInvariant() switch
    {
        "true" or "1" or "on" or "yes" => true,
        "false" or "0" or "off" or "no" => false,
        _ => throw new ValidationException($"cover: '{s}' is not true or false."),
    };

    /// <summary>Streams of uploaded files, closed after the submission.</summary>
    private sealed class Owned : IAsyncDisposable
    {
        public static readonly IAsyncDisposable None = new Owned();
        private readonly List<Stream> _streams = [];

        public void Add(Stream s) => _streams.Add(s);

        public async ValueTask DisposeAsync()
        {
            foreach (var s in _streams)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
