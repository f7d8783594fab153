using System.Data.Common;
using FaxPost.Core.Accounts;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Sql;

internal sealed class SqlMailboxStore(SqlDatabase db) : IMailboxStore
{
    private const string Columns = "id, name, owner_kind, owner_id, extension, email, outgoing_fax_id, retention_days, mail_pages, created_at";

    public Task<Mailbox?> GetAsync(long id, CancellationToken ct) =>
        db.ReadAsync(s => s.Sql($"SELECT {Columns} FROM mailboxes WHERE id = @id").With("@id", id).FirstOrDefaultAsync(Read, ct), ct);

    public Task<Mailbox?> FindByExtensionAsync(string extension, CancellationToken ct) =>
        db.ReadAsync(s => s.Sql($"SELECT {Columns} FROM mailboxes WHERE extension = @e").With("@e", extension).FirstOrDefaultAsync(Read, ct), ct);

    public async Task<IReadOnlyList<Mailbox>> ListAsync(CancellationToken ct) =>
        await db.ReadAsync(s => s.Sql($"SELECT {Columns} FROM mailboxes ORDER BY id").ListAsync(Read, ct), ct).ConfigureAwait(false);

    public async Task<long> SaveAsync(Mailbox mailbox, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        long id = await db.WriteAsync(
            async s =>
            {
                var cmd = s.Sql(mailbox.Id == 0
                        ? """
                          INSERT INTO mailboxes (name, owner_kind, owner_id, extension, email, outgoing_fax_id, retention_days, mail_pages, created_at)
                          VALUES (@name, @kind, @owner, @ext, @email, @tsi, @days, @mail, @created) RETURNING id
                          """
                        : """
                          UPDATE mailboxes SET name = @name, owner_kind = @kind, owner_id = @owner, extension = @ext, email = @email,
                              outgoing_fax_id = @tsi, retention_days = @days, mail_pages = @mail, created_at = @created
                          WHERE id = @id
                          """)
                    .With("@id", mailbox.Id)
                    .With("@name", mailbox.Name)
                    .With("@kind", (int)mailbox.OwnerKind)
                    .With("@owner", mailbox.OwnerId)
                    .With("@ext", mailbox.Extension)
                    .With("@email", mailbox.Email)
                    .With("@tsi", mailbox.OutgoingFaxId)
                    .With("@days", mailbox.RetentionDays)
                    .With("@mail", mailbox.MailPages)
                    .WithTime("@created", mailbox.CreatedAt);
                if (mailbox.Id == 0)
                {
                    return await cmd.InsertAsync(ct).ConfigureAwait(false);
                }

                return await cmd.ExecuteAsync(ct).ConfigureAwait(false) == 1
                    ? mailbox.Id
                    : throw new KeyNotFoundException($"There is no mailbox {mailbox.Id} to update.");
            },
            ct,
            () => $"The extension {mailbox.Extension} belongs to another mailbox already.").ConfigureAwait(false);
        mailbox.Id = id;
        return id;
    }

    /// <summary>Deletes the mailbox with its grants and routing rules; jobs and faxes keep their history.</summary>
    public Task<bool> DeleteAsync(long id, CancellationToken ct) =>
        db.WriteAsync(async s => await s.Sql("DELETE FROM mailboxes WHERE id = @id").With("@id", id).ExecuteAsync(ct).ConfigureAwait(false) > 0, ct);

    private Mailbox Read(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Name = r.GetString(1),
        OwnerKind = (MailboxOwnerKind)r.GetInt32(2),
        OwnerId = r.GetInt64(3),
        Extension = r.StringOrNull(4),
        Email = r.StringOrNull(5),
        OutgoingFaxId = r.StringOrNull(6),
        RetentionDays = r.Int32OrNull(7),
        MailPages = r.GetBoolean(8),
        CreatedAt = db.Dialect.ReadTime(r, 9),
    };
}
