using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Core.Routing;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.PostOffice;

/// <summary>
/// Routing rules (sender number / sender ID / sub-address → mailbox; extensions route by themselves)
/// and a test box that asks the real router where a fax would go. The post office reads and tests;
/// administrators add, change and delete rules (checked by <see cref="RoutingRuleService"/>).
/// </summary>
public sealed class RoutingModel(RoutingRuleService rules, AccountService accounts) : FaxPostPageModel
{
    public IReadOnlyList<RoutingRule> Rules { get; private set; } = [];

    public IReadOnlyList<Mailbox> Mailboxes { get; private set; } = [];

    /// <summary>The rule being edited (?edit=id), shown in the form.</summary>
    public RoutingRule? Editing { get; private set; }

    [BindProperty(SupportsGet = true)]
    public TestInput Test { get; set; } = new();

    public RoutingDecision? Decision { get; private set; }

    public string MailboxName(long id) => Mailboxes.FirstOrDefault(m => m.Id == id) is { } m ? ConsoleWords.Mailbox(m) : $"mailbox {id} (gone)";

    public async Task OnGetAsync(long? edit, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        await LoadAsync(ct).ConfigureAwait(false);
        if (edit is { } id)
        {
            Editing = Rules.FirstOrDefault(r => r.Id == id) ?? throw new NotFoundException($"There is no routing rule {id}.");
        }

        if (Test.Asked)
        {
            Decision = await rules.TestAsync(Caller, Test.Dialled, Test.Caller, Test.SenderId, Test.SubAddress, ct).ConfigureAwait(false);
        }
    }

    public Task<IActionResult> OnPostSaveAsync(long? id, RoutingMatch? match, string? pattern, long? mailbox, int? order, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        return SubmitFormAsync(async () =>
        {
            var rule = new RoutingRule
            {
                Id = id ?? 0,
                Match = match ?? throw new ValidationException("Choose what the rule looks at."),
                Pattern = pattern ?? "",
                MailboxId = mailbox ?? throw new ValidationException("Choose the mailbox the rule sends faxes to."),
                Order = order ?? 0,
            };
            var saved = await rules.SaveAsync(Caller, rule, ct).ConfigureAwait(false);
            Flash(id is null ? $"Rule {saved.Id} was added." : $"Rule {saved.Id} was changed.");
            return RedirectToPage();
        }, () => LoadAsync(ct));
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        await rules.DeleteAsync(Caller, id, ct).ConfigureAwait(false);
        Flash($"Rule {id} was deleted.");
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Rules = await rules.ListAsync(Caller, ct).ConfigureAwait(false);
        Mailboxes = (await accounts.MailboxesAsync(Caller, ct).ConfigureAwait(false)).OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    public sealed class TestInput
    {
        public string? Dialled { get; set; }

        public string? Caller { get; set; }

        public string? SenderId { get; set; }

        public string? SubAddress { get; set; }

        public bool Asked => !string.IsNullOrWhiteSpace(Dialled) || !string.IsNullOrWhiteSpace(Caller) || !string.IsNullOrWhiteSpace(SenderId) || !string.IsNullOrWhiteSpace(SubAddress);
    }
}
