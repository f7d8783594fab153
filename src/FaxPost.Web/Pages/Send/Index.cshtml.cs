using System.Globalization;
using FaxPost.Core;
using FaxPost.Core.AddressBook;
using FaxPost.Core.Configuration;
using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Imaging.Conversion;
using FaxPost.Web.Api;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.Send;

/// <summary>What the user filled in, kept when the page is shown again (preview, errors).</summary>
public sealed record SendForm
{
    public long? Mailbox { get; init; }

    public string? To { get; init; }

    public IReadOnlyList<long> Contacts { get; init; } = [];

    public IReadOnlyList<long> Lists { get; init; } = [];

    public bool Cover { get; init; }

    public string? Subject { get; init; }

    public string? Note { get; init; }

    public string Resolution { get; init; } = "fine";

    public string? NotBefore { get; init; }

    public string? TzOffset { get; init; }
}

/// <summary>
/// Send a fax: files (input or drag and drop), recipients typed or from the address book and
/// distribution lists, cover page, resolution, send later, and a preview of the converted pages.
/// The job service does the rest (rights, limits, type checks, conversion) as for every front door.
/// </summary>
public sealed class IndexModel(JobService jobs, AddressBookService addressBook, SendDrafts drafts, LimitOptions limits, TimeProvider time) : FaxPostPageModel
{
    public const string Accept = ".pdf,.ps,.eps,.tif,.tiff,.png,.jpg,.jpeg,.txt,application/pdf,application/postscript,image/tiff,image/png,image/jpeg,text/plain";

    public static readonly (string Value, string Words)[] Resolutions =
    [
        ("standard", "Standard (fast, 98 lines per inch)"),
        ("fine", "Fine (196 lines per inch)"),
        ("superfine", "Superfine (small print)"),
    ];

    public IReadOnlyList<MailboxAccess> Senders { get; private set; } = [];

    public IReadOnlyList<Contact> Contacts { get; private set; } = [];

    public IReadOnlyList<DistributionList> Lists { get; private set; } = [];

    public SendForm Form { get; private set; } = new();

    public SendDraft? Draft { get; private set; }

    public long MaxUploadBytes => limits.MaxUploadBytes;

    /// <param name="refused">"too-large": the last POST was past the upload limit and could not be read (<see cref="UploadLimitFilter"/>).</param>
    public async Task OnGetAsync(long? mailbox, string? refused, CancellationToken ct)
    {
        Form = new SendForm { Mailbox = mailbox };
        if (refused == "too-large")
        {
            Error = $"Nothing was sent: the files you chose are larger than {Format.Bytes(limits.MaxUploadBytes)} together, the most this fax server takes. "
                + "Choose fewer or smaller files and fill in the form again.";
        }

        await LoadAsync(ct).ConfigureAwait(false);
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        var form = await Request.ReadFormAsync(ct).ConfigureAwait(false);
        Form = Read(form);
        var earlier = drafts.Find(Caller, form["draft"]);
        Draft = earlier;
        return await SubmitFormAsync(async () =>
        {
            var uploads = form.Files.Where(f => f.Length > 0 || f.FileName.Length > 0).Select(f => (f.FileName, f.OpenReadStream())).ToList();
            try
            {
                // Checked before anything is stored: a recipient or mailbox the fax could not go to is said now.
                var cover = Form.Cover ? await jobs.PreviewCoverSheetAsync(Caller, Form.Mailbox, Recipients(Form), Form.Subject, Form.Note, ct).ConfigureAwait(false) : null;
                Draft = await drafts.CreateAsync(Caller, earlier?.Files ?? [], uploads, JobSubmission.Resolution(Form.Resolution), cover, ct).ConfigureAwait(false);
                if (earlier is not null)
                {
                    drafts.Delete(earlier.Id);
                }
            }
            finally
            {
                foreach (var (_, stream) in uploads)
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                }
            }

            await LoadAsync(ct).ConfigureAwait(false);
            return Page();
        }, () => LoadAsync(ct), e => e is DocumentConversionException).ConfigureAwait(false);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var form = await Request.ReadFormAsync(ct).ConfigureAwait(false);
        Form = Read(form);
        var draft = drafts.Find(Caller, form["draft"]);
        Draft = draft;
        var streams = new List<Stream>();
        try
        {
            return await SubmitFormAsync(() => SendAsync(form, draft, streams, ct), () => LoadAsync(ct), e => e is DocumentConversionException).ConfigureAwait(false);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<IActionResult> SendAsync(IFormCollection form, SendDraft? draft, List<Stream> streams, CancellationToken ct)
    {
        var documents = new List<UploadedDocument>();
        foreach (var file in draft?.Files ?? [])
        {
            var stream = System.IO.File.OpenRead(file.Path);
            streams.Add(stream);
            documents.Add(new UploadedDocument(file.Name, stream));
        }

        foreach (var file in form.Files.Where(f => f.Length > 0))
        {
            var stream = file.OpenReadStream();
            streams.Add(stream);
            documents.Add(new UploadedDocument(file.FileName, stream));
        }

        var request = new SubmitRequest
        {
            MailboxId = Form.Mailbox,
            Recipients = Recipients(Form),
            Documents = documents,
            Resolution = JobSubmission.Resolution(Form.Resolution),
            NotBefore = NotBefore(Form),
            CoverPage = Form.Cover,
            Subject = Form.Subject,
            Note = Form.Note,
            WaitForConversion = TimeSpan.FromSeconds(60),
        };
        var created = await jobs.SubmitAsync(Caller, request, ct).ConfigureAwait(false);
        if (draft is not null)
        {
            drafts.Delete(draft.Id);
        }

        Flash(created.Count == 1
            ? $"Your fax to {created[0].RecipientName ?? created[0].Destination} is on its way."
            : $"Your fax to {created.Count} recipients is on its way.");
        return Redirect("/outbox");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Senders = Me.With(MailboxRights.Send).ToList();
        Contacts = (await addressBook.ContactsAsync(Caller, ct).ConfigureAwait(false)).Where(c => !string.IsNullOrEmpty(c.FaxNumber)).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
        Lists = (await addressBook.ListsAsync(Caller, ct).ConfigureAwait(false)).OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static SendForm Read(IFormCollection form) => new()
    {
        Mailbox = long.TryParse(form["mailbox"], NumberStyles.None, CultureInfo.InvariantCulture, out long m) ? m : null,
        To = Text(form["to"]),
        Contacts = Ids(form["contact"]),
        Lists = Ids(form["list"]),
        Cover = form["cover"].Any(v => v is "true" or "on"),
        Subject = Text(form["subject"]),
        Note = Text(form["note"]),
        Resolution = Text(form["resolution"]) ?? "fine",
        NotBefore = Text(form["notBefore"]),
        TzOffset = Text(form["tzOffset"]),
    };

    private static List<RecipientSpec> Recipients(SendForm form)
    {
        var recipients = new List<RecipientSpec>();
        foreach (string number in (form.To ?? "").Split([',', ';', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            recipients.Add(new RecipientSpec(Number: number));
        }

        recipients.AddRange(form.Contacts.Select(c => new RecipientSpec(ContactId: c)));
        recipients.AddRange(form.Lists.Select(l => new RecipientSpec(ListId: l)));
        return recipients;
    }

    /// <summary>The datetime-local value in the browser's zone (its offset in minutes west of UTC, as JavaScript gives it), else UTC.</summary>
    private DateTimeOffset? NotBefore(SendForm form)
    {
        if (form.NotBefore is null)
        {
            return null;
        }

        if (!DateTime.TryParseExact(form.NotBefore, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            throw new ValidationException($"'{form.NotBefore}' is not a date and time for 'send later'.");
        }

        int minutesWest = int.TryParse(form.TzOffset, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int tz) && tz is >= -840 and <= 720 ? tz : 0;
        var at = new DateTimeOffset(local, TimeSpan.FromMinutes(-minutesWest));
        return at <= time.GetUtcNow() ? null : at;
    }

    private static string? Text(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0 || string.IsNullOrWhiteSpace(values[^1]) ? null : values[^1]!.Trim();

    private static List<long> Ids(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Select(v => long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long id) ? id : 0).Where(id => id > 0).Distinct().ToList();
}
