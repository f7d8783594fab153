using System.Globalization;
using System.Text;
using FaxPost.Core.Numbering;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;

namespace FaxPost.Core.AddressBook;

/// <summary>
/// Address books and distribution lists: the central one kept by the fax post office (seed 000),
/// and each user's personal one. CSV import/export for the central book.
/// </summary>
public sealed class AddressBookService(IPostOfficeStore store, OrganisationNumbering numbering)
{
    /// <summary>Central entries plus the caller's own.</summary>
    public Task<IReadOnlyList<Contact>> ContactsAsync(Principal by, CancellationToken ct) => store.AddressBook.ContactsAsync(by.UserId, ct);

    public Task<IReadOnlyList<DistributionList>> ListsAsync(Principal by, CancellationToken ct) => store.AddressBook.ListsAsync(by.UserId, ct);

    /// <summary>Saves a contact: personal ones by their owner, central ones (central = true) by the post office.</summary>
    public async Task<Contact> SaveContactAsync(Principal by, Contact contact, bool central, CancellationToken ct)
    {
        var existing = contact.Id == 0 ? null : await store.AddressBook.GetContactAsync(contact.Id, ct).ConfigureAwait(false);
        contact.OwnerUserId = Owner(by, contact.Id, existing is null, existing?.OwnerUserId, central, $"contact {contact.Id}");
        Validate(contact);
        contact.Id = await store.AddressBook.SaveContactAsync(contact, ct).ConfigureAwait(false);
        return contact;
    }

    public async Task DeleteContactAsync(Principal by, long id, CancellationToken ct)
    {
        var existing = await store.AddressBook.GetContactAsync(id, ct).ConfigureAwait(false);
        DemandOwn(by, existing?.OwnerUserId, existing is null, $"contact {id}");
        await store.AddressBook.DeleteContactAsync(id, ct).ConfigureAwait(false);
    }

    public async Task<DistributionList> SaveListAsync(Principal by, DistributionList list, bool central, CancellationToken ct)
    {
        var existing = list.Id == 0 ? null : await store.AddressBook.GetListAsync(list.Id, ct).ConfigureAwait(false);
        list.OwnerUserId = Owner(by, list.Id, existing is null, existing?.OwnerUserId, central, $"distribution list {list.Id}");
        central = list.OwnerUserId is null;

        if (string.IsNullOrWhiteSpace(list.Name) || list.Name.Length > 100)
        {
            throw new ValidationException("A distribution list needs a name of at most 100 characters.");
        }

        foreach (long contactId in list.ContactIds.Distinct())
        {
            var contact = await store.AddressBook.GetContactAsync(contactId, ct).ConfigureAwait(false);
            if (contact is null || (contact.OwnerUserId is not null && contact.OwnerUserId != by.UserId) || (central && contact.OwnerUserId is not null))
            {
                throw new ValidationException($"Contact {contactId} cannot be in this list.");
            }
        }

        list.ContactIds = list.ContactIds.Distinct().ToList();
        list.Id = await store.AddressBook.SaveListAsync(list, ct).ConfigureAwait(false);
        return list;
    }

    public async Task DeleteListAsync(Principal by, long id, CancellationToken ct)
    {
        var existing = await store.AddressBook.GetListAsync(id, ct).ConfigureAwait(false);
        DemandOwn(by, existing?.OwnerUserId, existing is null, $"distribution list {id}");
        await store.AddressBook.DeleteListAsync(id, ct).ConfigureAwait(false);
    }

    /// <summary>The central address book as CSV (name,company,fax,email), RFC 4180 quoting.</summary>
    public async Task<string> ExportCentralCsvAsync(Principal by, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(by);
        var sb = new StringBuilder("name,company,fax,email\r\n");
        foreach (var c in await store.AddressBook.ContactsAsync(null, ct).ConfigureAwait(false))
        {
            sb.Append(Csv.Field(c.Name)).Append(',').Append(Csv.Field(c.Company)).Append(',')
              .Append(Csv.Field(c.FaxNumber)).Append(',').Append(Csv.Field(c.Email)).Append("\r\n");
        }

        return sb.ToString();
    }

    /// <summary>Imports CSV rows into the central book (header row required); all rows are checked before any is stored.</summary>
    public async Task<int> ImportCentralCsvAsync(Principal by, string csv, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(by);
        var rows = Csv.Parse(csv, maxRows: 10_000);
        if (rows.Count == 0)
        {
            throw new ValidationException("The CSV is empty.");
        }

        var header = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        int name = header.IndexOf("name"), company = header.IndexOf("company"), fax = header.IndexOf("fax"), email = header.IndexOf("email");
        if (name < 0 || (fax < 0 && email < 0))
        {
            throw new ValidationException("The CSV needs a header row with 'name' and 'fax' (or 'email') columns.");
        }

        var contacts = new List<Contact>();
        for (int i = 1; i < rows.Count; i++)
        {
            var row = rows[i];
            string? Get(int column) => column >= 0 && column < row.Count && row[column].Trim().Length > 0 ? row[column].Trim() : null;
            var contact = new Contact { Name = Get(name) ?? "", Company = Get(company), FaxNumber = Get(fax), Email = Get(email) };
            try
            {
                Validate(contact);
            }
            catch (ValidationException e)
            {
                throw new ValidationException($"Line {i + 1}: {e.Message}");
            }

            contacts.Add(contact);
        }

        foreach (var contact in contacts)
        {
            await store.AddressBook.SaveContactAsync(contact, ct).ConfigureAwait(false);
        }

        return contacts.Count;
    }

    private void Validate(Contact contact)
    {
        if (string.IsNullOrWhiteSpace(contact.Name) || contact.Name.Length > 100 || contact.Company is { Length: > 100 })
        {
            throw new ValidationException("A contact needs a name of at most 100 characters (company likewise).");
        }

        if (contact.FaxNumber is null && contact.Email is null)
        {
            throw new ValidationException($"'{contact.Name}' needs a fax number or an e-mail address.");
        }

        if (contact.FaxNumber is not null && numbering.Parse(contact.FaxNumber) is { IsValid: false } bad)
        {
            throw new ValidationException($"'{contact.Name}': '{contact.FaxNumber}' is not a fax number: {bad.Error}.");
        }

        if (contact.Email is { } e && (e.Length > 254 || e.IndexOf('@', StringComparison.Ordinal) < 1 || e.Any(char.IsWhiteSpace)))
        {
            throw new ValidationException($"'{contact.Name}': '{e}' is not an e-mail address.");
        }
    }

    /// <summary>Who owns an entry being saved: an existing entry keeps its owner (and needs the caller's
    /// right to it); a new one is central (post office only) or the caller's.</summary>
    private static long? Owner(Principal by, long id, bool missing, long? existingOwner, bool central, string what)
    {
        if (id != 0)
        {
            DemandOwn(by, existingOwner, missing, what);
            return existingOwner;
        }

        if (central)
        {
            AuthorizationService.DemandPostOffice(by);
            return null;
        }

        return by.UserId;
    }

    private static void DemandOwn(Principal by, long? ownerUserId, bool missing, string what)
    {
        if (missing || (ownerUserId is not null && ownerUserId != by.UserId))
        {
            throw new NotFoundException($"There is no {what} of yours.");
        }

        if (ownerUserId is null)
        {
            AuthorizationService.DemandPostOffice(by);
        }
    }
}

/// <summary>RFC 4180 CSV: quoting on write, quoted fields with doubled quotes and embedded line breaks on read.</summary>
public static class Csv
{
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        // A leading =, +, - or @ would make spreadsheets run a formula (CSV injection): prefix a quote.
        // Fax numbers may start with '+', which stays as it is.
        if (value[0] is '=' or '@' || (value[0] == '-' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public static List<List<string>> Parse(string text, int maxRows)
    {
        // German spreadsheets write ';' between fields: take it when the first line has ';' and no ','.
        int firstBreak = text.AsSpan().IndexOfAny('\r', '\n');
        var firstLine = firstBreak < 0 ? text.AsSpan() : text.AsSpan(0, firstBreak);
        char separator = firstLine.Contains(';') && !firstLine.Contains(',') ? ';' : ',';
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, fieldStarted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
                fieldStarted = true;
            }
            else if (c == separator)
            {
                row.Add(field.ToString());
                field.Clear();
                fieldStarted = true;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                if (fieldStarted || field.Length > 0 || row.Count > 0)
                {
                    row.Add(field.ToString());
                    rows.Add(row);
                    if (rows.Count > maxRows)
                    {
                        throw new ValidationException($"The CSV has more than {maxRows} rows.");
                    }
                }

                row = [];
                field.Clear();
                fieldStarted = false;
            }
            else
            {
                field.Append(c);
                fieldStarted = true;
            }
        }

        if (quoted)
        {
            throw new ValidationException("The CSV ends inside a quoted field.");
        }

        if (fieldStarted || field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }

        return rows;
    }
}
