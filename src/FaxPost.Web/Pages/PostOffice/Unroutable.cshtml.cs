using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Documents;
using FaxPost.Core.Inbound;
using FaxPost.Core.Rights;
using FaxPost.Core.Routing;
using FaxPost.Core.Storage;
using FaxPost.Imaging.Png;
using FaxPost.Imaging.Tiff;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.PostOffice;

/// <summary>
/// The fax post office's queue (seed 000): faxes no rule or extension could place, with the reason,
/// a preview, and a one-click hand-off to a mailbox with a note. Hand-offs and deletions go through
/// <see cref="InboxService"/>, which writes them to the fax's history (the audit trail).
/// </summary>
public sealed class UnroutableModel(InboxService inbox, AccountService accounts, RoutingRuleService rules, IDocumentStore documents) : FaxPostPageModel
{
    public IReadOnlyList<InboundFax> Faxes { get; private set; } = [];

    public IReadOnlyList<Mailbox> Mailboxes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        await LoadAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A first-page preview (PNG). Only for faxes in the queue; others are not found here.</summary>
    public async Task<IActionResult> OnGetThumbnailAsync(long id, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        var fax = await inbox.GetAsync(Caller, id, ct).ConfigureAwait(false);
        if (fax.MailboxId is not null)
        {
            return NotFoundPage();
        }

        byte[] png;
        try
        {
            await using var stream = documents.OpenRead(fax.Document);
            png = FaxThumbnail.RenderPng(await TiffDocument.ReadAsync(stream, cancellationToken: ct).ConfigureAwait(false), 240);
        }
        catch (Exception e) when (e is TiffFormatException or IOException or ArgumentException or IndexOutOfRangeException)
        {
            return NotFoundPage();
        }

        Response.Headers.CacheControl = "private, no-store";
        return File(png, "image/png");
    }

    /// <summary>Hands the fax off; with <paramref name="remember"/> (administrators) faxes from the same
    /// sender ID go to that mailbox from now on (seed 000: forwarding by CSID).</summary>
    public Task<IActionResult> OnPostHandOffAsync(long id, long? mailbox, string? note, bool remember, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        return SubmitFormAsync(async () =>
        {
            if (mailbox is null)
            {
                throw new ValidationException("Choose the mailbox the fax goes to.");
            }

            string? senderId = null;
            if (remember)
            {
                // Checked before the hand-off, so a refused rule leaves the fax where it was.
                AuthorizationService.DemandAdministrator(Caller);
                senderId = (await inbox.GetAsync(Caller, id, ct).ConfigureAwait(false)).SenderId;
                if (string.IsNullOrWhiteSpace(senderId))
                {
                    throw new ValidationException("This fax has no sender ID to route by.");
                }
            }

            var fax = await inbox.HandOffAsync(Caller, id, mailbox.Value, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), ct).ConfigureAwait(false);
            var target = (await accounts.MailboxesAsync(Caller, ct).ConfigureAwait(false)).FirstOrDefault(m => m.Id == fax.MailboxId);
            string flash = $"Fax {id} was handed to {target?.Name ?? "the mailbox"}.";
            if (senderId is not null)
            {
                var rule = await rules.SaveAsync(Caller, new RoutingRule { Match = RoutingMatch.SenderId, Pattern = senderId, MailboxId = mailbox.Value }, ct).ConfigureAwait(false);
                flash += $" Faxes from '{rule.Pattern}' go there from now on (rule {rule.Id}).";
            }

            Flash(flash);
            return RedirectToPage();
        }, () => LoadAsync(ct));
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        var fax = await inbox.GetAsync(Caller, id, ct).ConfigureAwait(false);
        if (fax.MailboxId is not null)
        {
            return NotFoundPage();
        }

        await inbox.DeleteAsync(Caller, id, ct).ConfigureAwait(false);
        Flash($"Fax {id} was deleted.");
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Faxes = await inbox.ListAsync(Caller, new InboundQuery(Unroutable: true), ct).ConfigureAwait(false);
        Mailboxes = (await accounts.MailboxesAsync(Caller, ct).ConfigureAwait(false)).OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
