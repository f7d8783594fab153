using System.Text;
using FaxPost.Core;
using FaxPost.Core.AddressBook;
using FaxPost.Core.Rights;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.PostOffice;

/// <summary>
/// The central address book and distribution lists kept by the fax post office (seed 000): list,
/// add, edit, delete, and CSV import/export. Every change goes through <see cref="AddressBookService"/>.
/// </summary>
public sealed class AddressBookModel(AddressBookService book) : FaxPostPageModel
{
    public const long MaxCsvBytes = 2 * 1024 * 1024;

    public IReadOnlyList<Contact> Contacts { get; private set; } = [];

    public IReadOnlyList<DistributionList> Lists { get; private set; } = [];

    public Contact? EditingContact { get; private set; }

    public DistributionList? EditingList { get; private set; }

    public async Task OnGetAsync(long? contact, long? list, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        await LoadAsync(ct).ConfigureAwait(false);
        if (contact is { } c)
        {
            EditingContact = Contacts.FirstOrDefault(x => x.Id == c) ?? throw new NotFoundException($"There is no central contact {c}.");
        }

        if (list is { } l)
        {
            EditingList = Lists.FirstOrDefault(x => x.Id == l) ?? throw new NotFoundException($"There is no central list {l}.");
        }
    }

    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        string csv = await book.ExportCentralCsvAsync(Caller, ct).ConfigureAwait(false);
        return File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", "address-book.csv");
    }

    public Task<IActionResult> OnPostContactAsync(long? id, string? name, string? company, string? fax, string? email, CancellationToken ct) =>
        ChangeAsync(async () =>
        {
            var saved = await book.SaveContactAsync(Caller, new Contact { Id = id ?? 0, Name = name?.Trim() ?? "", Company = Blank(company), FaxNumber = Blank(fax), Email = Blank(email) }, central: true, ct).ConfigureAwait(false);
            return id is null ? $"{saved.Name} was added." : $"{saved.Name} was changed.";
        }, ct);

    public Task<IActionResult> OnPostDeleteContactAsync(long id, CancellationToken ct) =>
        ChangeAsync(async () =>
        {
            await book.DeleteContactAsync(Caller, id, ct).ConfigureAwait(false);
            return "The contact was deleted.";
        }, ct);

    public Task<IActionResult> OnPostListAsync(long? id, string? name, long[]? members, CancellationToken ct) =>
        ChangeAsync(async () =>
        {
            var saved = await book.SaveListAsync(Caller, new DistributionList { Id = id ?? 0, Name = name?.Trim() ?? "", ContactIds = [.. members ?? []] }, central: true, ct).ConfigureAwait(false);
            return id is null ? $"The list {saved.Name} was added." : $"The list {saved.Name} was changed.";
        }, ct);

    public Task<IActionResult> OnPostDeleteListAsync(long id, CancellationToken ct) =>
        ChangeAsync(async () =>
        {
            await book.DeleteListAsync(Caller, id, ct).ConfigureAwait(false);
            return "The list was deleted.";
        }, ct);

    public Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken ct) =>
        ChangeAsync(async () =>
        {
            if (file is null || file.Length == 0)
            {
                throw new ValidationException("Choose a CSV file to import.");
            }

            if (file.Length > MaxCsvBytes)
            {
                throw new ValidationException($"The file is larger than {Format.Bytes(MaxCsvBytes)}.");
            }

            string text;
            using (var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            {
                text = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
            }

            int count = await book.ImportCentralCsvAsync(Caller, text, ct).ConfigureAwait(false);
            return $"{count} contact(s) were imported.";
        }, ct);

    private Task<IActionResult> ChangeAsync(Func<Task<string>> change, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        return SubmitFormAsync(async () =>
        {
            Flash(await change().ConfigureAwait(false));
            return RedirectToPage();
        }, () => LoadAsync(ct));
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        // The service returns central entries plus the caller's personal ones: the console shows the central ones.
        Contacts = (await book.ContactsAsync(Caller, ct).ConfigureAwait(false)).Where(c => c.OwnerUserId is null).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
        Lists = (await book.ListsAsync(Caller, ct).ConfigureAwait(false)).Where(l => l.OwnerUserId is null).OrderBy(l => l.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
