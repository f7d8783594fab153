using System.Data.Common;
using FaxPost.Core.AddressBook;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Sql;

/// <summary>Central entries (no owner) and personal ones; lists keep their members' order in a link table.</summary>
internal sealed class SqlAddressBookStore(SqlDatabase db) : IAddressBookStore
{
    private const string ContactColumns = "id, owner_user_id, name, company, fax_number, email";

    // Lists with their members in one statement, so a list is never seen half-saved.
    private const string ListJoin =
        "SELECT l.id, l.owner_user_id, l.name, m.contact_id FROM distribution_lists l LEFT JOIN distribution_list_members m ON m.list_id = l.id";

    /// <summary>Central entries plus the user's own, in the order they were added.</summary>
    public async Task<IReadOnlyList<Contact>> ContactsAsync(long? userId, CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql($"SELECT {ContactColumns} FROM contacts WHERE {Visible(userId)} ORDER BY id").With("@u", userId).ListAsync(ReadContact, ct),
            ct).ConfigureAwait(false);

    public Task<Contact?> GetContactAsync(long id, CancellationToken ct) =>
        db.ReadAsync(s => s.Sql($"SELECT {ContactColumns} FROM contacts WHERE id = @id").With("@id", id).FirstOrDefaultAsync(ReadContact, ct), ct);

    public async Task<long> SaveContactAsync(Contact contact, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(contact);
        long id = await db.WriteAsync(
            async s =>
            {
                var cmd = s.Sql(contact.Id == 0
                        ? "INSERT INTO contacts (owner_user_id, name, company, fax_number, email) VALUES (@owner, @name, @company, @fax, @email) RETURNING id"
                        : "UPDATE contacts SET owner_user_id = @owner, name = @name, company = @company, fax_number = @fax, email = @email WHERE id = @id")
                    .With("@id", contact.Id)
                    .With("@owner", contact.OwnerUserId)
                    .With("@name", contact.Name)
                    .With("@company", contact.Company)
                    .With("@fax", contact.FaxNumber)
                    .With("@email", contact.Email);
                if (contact.Id == 0)
                {
                    return await cmd.InsertAsync(ct).ConfigureAwait(false);
                }

                return await cmd.ExecuteAsync(ct).ConfigureAwait(false) == 1
                    ? contact.Id
                    : throw new KeyNotFoundException($"There is no contact {contact.Id} to update.");
            },
            ct).ConfigureAwait(false);
        contact.Id = id;
        return id;
    }

    /// <summary>Also removes the contact from every list.</summary>
    public Task<bool> DeleteContactAsync(long id, CancellationToken ct) =>
        db.WriteAsync(async s => await s.Sql("DELETE FROM contacts WHERE id = @id").With("@id", id).ExecuteAsync(ct).ConfigureAwait(false) > 0, ct);

    public async Task<IReadOnlyList<DistributionList>> ListsAsync(long? userId, CancellationToken ct) =>
        await db.ReadAsync(
            s => ReadListsAsync(
                s.Sql($"{ListJoin} WHERE {Visible(userId).Replace("owner_user_id", "l.owner_user_id", StringComparison.Ordinal)} ORDER BY l.id, m.position")
                    .With("@u", userId),
                ct),
            ct).ConfigureAwait(false);

    public async Task<DistributionList?> GetListAsync(long id, CancellationToken ct) =>
        (await db.ReadAsync(s => ReadListsAsync(s.Sql($"{ListJoin} WHERE l.id = @id ORDER BY m.position").With("@id", id), ct), ct).ConfigureAwait(false))
            .FirstOrDefault();

    /// <summary>Saves the list and replaces its members (in the given order; repeats are kept once).</summary>
    public async Task<long> SaveListAsync(DistributionList list, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(list);
        long id = await db.WriteAsync(
            async s =>
            {
                long id;
                if (list.Id == 0)
                {
                    id = await s.Sql("INSERT INTO distribution_lists (owner_user_id, name) VALUES (@owner, @name) RETURNING id")
                        .With("@owner", list.OwnerUserId)
                        .With("@name", list.Name)
                        .InsertAsync(ct).ConfigureAwait(false);
                }
                else
                {
                    id = list.Id;
                    int n = await s.Sql("UPDATE distribution_lists SET owner_user_id = @owner, name = @name WHERE id = @id")
                        .With("@id", id)
                        .With("@owner", list.OwnerUserId)
                        .With("@name", list.Name)
                        .ExecuteAsync(ct).ConfigureAwait(false);
                    if (n != 1)
                    {
                        throw new KeyNotFoundException($"There is no distribution list {id} to update.");
                    }

                    await s.Sql("DELETE FROM distribution_list_members WHERE list_id = @id").With("@id", id).ExecuteAsync(ct).ConfigureAwait(false);
                }

                int position = 0;
                foreach (long contactId in list.ContactIds.Distinct())
                {
                    await s.Sql("INSERT INTO distribution_list_members (list_id, contact_id, position) VALUES (@l, @c, @p)")
                        .With("@l", id)
                        .With("@c", contactId)
                        .With("@p", position++)
                        .ExecuteAsync(ct).ConfigureAwait(false);
                }

                return id;
            },
            ct).ConfigureAwait(false);
        list.Id = id;
        return id;
    }

    public Task<bool> DeleteListAsync(long id, CancellationToken ct) =>
        db.WriteAsync(async s => await s.Sql("DELETE FROM distribution_lists WHERE id = @id").With("@id", id).ExecuteAsync(ct).ConfigureAwait(false) > 0, ct);

    private static string Visible(long? userId) =>
        userId is null ? "owner_user_id IS NULL" : "(owner_user_id IS NULL OR owner_user_id = @u)";

    private static Contact ReadContact(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        OwnerUserId = r.Int64OrNull(1),
        Name = r.GetString(2),
        Company = r.StringOrNull(3),
        FaxNumber = r.StringOrNull(4),
        Email = r.StringOrNull(5),
    };

    /// <summary>Folds the join's rows (one per member, or one with a null member) into lists.</summary>
    private static async Task<List<DistributionList>> ReadListsAsync(SqlCommand cmd, CancellationToken ct)
    {
        var rows = await cmd.ListAsync(r => (Id: r.GetInt64(0), Owner: r.Int64OrNull(1), Name: r.GetString(2), Contact: r.Int64OrNull(3)), ct).ConfigureAwait(false);
        var lists = new List<DistributionList>();
        foreach (var row in rows)
        {
            if (lists.Count == 0 || lists[^1].Id != row.Id)
            {
                lists.Add(new DistributionList { Id = row.Id, OwnerUserId = row.Owner, Name = row.Name });
            }

            if (row.Contact is { } contact)
            {
                lists[^1].ContactIds.Add(contact);
            }
        }

        return lists;
    }
}
