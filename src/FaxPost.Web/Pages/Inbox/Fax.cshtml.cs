using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Documents;
using FaxPost.Core.Inbound;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.Inbox;

/// <summary>
/// One received fax: its pages, downloads, history, hand-off and delete. Every step asks the
/// inbox service, so a fax the user may not read is "not found" (404) whatever the id.
/// </summary>
public sealed class FaxModel(InboxService inbox, IPostOfficeStore store, IDocumentStore documents) : FaxPostPageModel
{
    public InboundFax Fax { get; private set; } = null!;

    public IReadOnlyList<InboundEvent> History { get; private set; } = [];

    public IReadOnlyList<Mailbox> Targets { get; private set; } = [];

    public bool CanHandOff { get; private set; }

    public bool CanDelete { get; private set; }

    public int PageNumber { get; private set; } = 1;

    public int PageCount { get; private set; }

    public string MailboxName { get; private set; } = "";

    public string BackLink => Fax.MailboxId is null && Me.IsPostOffice ? "/postoffice/unroutable" : "/inbox";

    // "n", not "page": Razor Pages keeps "page" for the page's own route value.
    public async Task OnGetAsync(long id, int? n, CancellationToken ct) => await LoadAsync(id, n, ct).ConfigureAwait(false);

    public Task<IActionResult> OnPostHandOffAsync(long id, long? to, string? note, CancellationToken ct) =>
        SubmitFormAsync(async () =>
        {
            if (to is null)
            {
                throw new ValidationException("Choose the mailbox to hand the fax to.");
            }

            var fax = await inbox.HandOffAsync(Caller, id, to.Value, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), ct).ConfigureAwait(false);
            var target = await store.Mailboxes.GetAsync(to.Value, ct).ConfigureAwait(false);
            Flash($"The fax is handed to {target?.Name ?? "the mailbox"}.");
            return await MayReadAsync(fax.Id, ct).ConfigureAwait(false) ? RedirectToPage(new { id }) : Redirect(Me.IsPostOffice && fax.MailboxId is null ? "/postoffice/unroutable" : "/inbox");
        }, () => LoadAsync(id, 1, ct));

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        var fax = await inbox.GetAsync(Caller, id, ct).ConfigureAwait(false);
        await inbox.DeleteAsync(Caller, id, ct).ConfigureAwait(false);
        Flash("The fax is deleted.");
        return Redirect(fax.MailboxId is null ? "/postoffice/unroutable" : "/inbox");
    }

    private async Task<bool> MayReadAsync(long id, CancellationToken ct)
    {
        try
        {
            _ = await inbox.GetAsync(Caller, id, ct).ConfigureAwait(false);
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    private async Task LoadAsync(long id, int? page, CancellationToken ct)
    {
        Fax = await inbox.GetAsync(Caller, id, ct).ConfigureAwait(false);
        History = await inbox.HistoryAsync(Caller, id, ct).ConfigureAwait(false);
        var access = Fax.MailboxId is { } m ? Me.Find(m) : null;
        MailboxName = Fax.MailboxId is null ? "none yet (fax post office)" : access?.Label ?? $"mailbox {Fax.MailboxId}";
        CanHandOff = Fax.MailboxId is null ? Me.IsPostOffice : access?.Has(MailboxRights.HandOffIncoming) == true;
        CanDelete = Fax.MailboxId is null ? Me.IsPostOffice : access?.Has(MailboxRights.DeleteIncoming) == true;
        if (CanHandOff)
        {
            Targets = (await store.Mailboxes.ListAsync(ct).ConfigureAwait(false)).Where(b => b.Id != Fax.MailboxId).OrderBy(b => b.Name, StringComparer.OrdinalIgnoreCase).ToList();
        }

        // The stored pages decide the count (a partial reception may differ from the announced one).
        await using (var tiff = documents.OpenRead(Fax.Document))
        {
            PageCount = Math.Max(1, (await Imaging.Tiff.TiffDocument.ReadAsync(tiff, cancellationToken: ct).ConfigureAwait(false)).Pages.Count);
        }

        PageNumber = Math.Clamp(page ?? 1, 1, PageCount);
    }
}
