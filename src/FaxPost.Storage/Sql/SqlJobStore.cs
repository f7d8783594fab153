using System.Data.Common;
using FaxPost.Core.Jobs;
using FaxPost.Core.Storage;
using FaxPost.Imaging.Conversion;

namespace FaxPost.Storage.Sql;

internal sealed class SqlJobStore(SqlDatabase db) : IJobStore
{
    private const string Columns =
        "id, group_id, mailbox_id, submitted_by, destination, dial_number, internal_mailbox_id, recipient_name, recipient_company, " +
        "resolution, priority, not_before, max_tries, cover_page, subject, note, notify_address, state, tries, next_attempt_at, " +
        "page_count, pages_sent, last_error, fax_document, created_at, updated_at, completed_at";

    private const string Insert =
        "INSERT INTO jobs (" + Assigned + ") VALUES (" +
        "@group, @mailbox, @by, @destination, @dial, @internal, @rname, @rcompany, @resolution, @priority, @notBefore, @maxTries, " +
        "@cover, @subject, @note, @notify, @state, @tries, @next, @pageCount, @pagesSent, @error, @fax, @created, @updated, @completed) RETURNING id";

    private const string Assigned =
        "group_id, mailbox_id, submitted_by, destination, dial_number, internal_mailbox_id, recipient_name, recipient_company, " +
        "resolution, priority, not_before, max_tries, cover_page, subject, note, notify_address, state, tries, next_attempt_at, " +
        "page_count, pages_sent, last_error, fax_document, created_at, updated_at, completed_at";

    private const string Update =
        "UPDATE jobs SET group_id = @group, mailbox_id = @mailbox, submitted_by = @by, destination = @destination, dial_number = @dial, " +
        "internal_mailbox_id = @internal, recipient_name = @rname, recipient_company = @rcompany, resolution = @resolution, " +
        "priority = @priority, not_before = @notBefore, max_tries = @maxTries, cover_page = @cover, subject = @subject, note = @note, " +
        "notify_address = @notify, state = @state, tries = @tries, next_attempt_at = @next, page_count = @pageCount, " +
        "pages_sent = @pagesSent, last_error = @error, fax_document = @fax, created_at = @created, updated_at = @updated, " +
        "completed_at = @completed WHERE id = @id";

    /// <summary>One transaction: the first job (its id becomes the group id), the others, the documents and a
    /// "submitted" event per job. Any failure leaves nothing behind.</summary>
    public async Task<long> CreateSubmissionAsync(IReadOnlyList<JobDocument> documents, IReadOnlyList<FaxJob> jobs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
        {
            throw new ArgumentException("A submission needs at least one job.", nameof(jobs));
        }

        var ids = await db.WriteAsync(
            async s =>
            {
                var jobIds = new long[jobs.Count];
                long groupId = 0;
                for (int i = 0; i < jobs.Count; i++)
                {
                    jobIds[i] = await Bind(s.Sql(Insert), jobs[i], groupId).InsertAsync(ct).ConfigureAwait(false);
                    if (i == 0)
                    {
                        groupId = jobIds[0];
                        await s.Sql("UPDATE jobs SET group_id = id WHERE id = @id").With("@id", groupId).ExecuteAsync(ct).ConfigureAwait(false);
                    }

                    await s.Sql("INSERT INTO job_events (job_id, at, state, message) VALUES (@job, @at, @state, @message)")
                        .With("@job", jobIds[i])
                        .WithTime("@at", jobs[i].CreatedAt)
                        .With("@state", (int)jobs[i].State)
                        .With("@message", "submitted")
                        .ExecuteAsync(ct).ConfigureAwait(false);
                }

                var documentIds = new long[documents.Count];
                for (int i = 0; i < documents.Count; i++)
                {
                    documentIds[i] = await BindDocument(
                            s.Sql("INSERT INTO job_documents (group_id, ord, file_name, stored_path, size, pages) VALUES (@group, @ord, @name, @path, @size, @pages) RETURNING id"),
                            documents[i],
                            groupId)
                        .InsertAsync(ct).ConfigureAwait(false);
                }

                return (groupId, jobIds, documentIds);
            },
            ct).ConfigureAwait(false);

        // Only after the commit: a failed submission leaves the caller's objects as they were.
        for (int i = 0; i < jobs.Count; i++)
        {
            jobs[i].Id = ids.jobIds[i];
            jobs[i].GroupId = ids.groupId;
        }

        for (int i = 0; i < documents.Count; i++)
        {
            documents[i].Id = ids.documentIds[i];
            documents[i].GroupId = ids.groupId;
        }

        return ids.groupId;
    }

    public Task<FaxJob?> GetAsync(long id, CancellationToken ct) =>
        db.ReadAsync(s => s.Sql($"SELECT {Columns} FROM jobs WHERE id = @id").With("@id", id).FirstOrDefaultAsync(Read, ct), ct);

    /// <summary>Newest first; <see cref="JobQuery.BeforeId"/> continues after the last page's smallest id.
    /// An empty (not null) mailbox or state set matches nothing.</summary>
    public async Task<IReadOnlyList<FaxJob>> QueryAsync(JobQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.MailboxIds is { Count: 0 } || query.States is { Count: 0 } || query.Limit <= 0)
        {
            return [];
        }

        return await db.ReadAsync(
            s =>
            {
                var cmd = s.Sql("");
                var where = new List<string>();
                if (query.MailboxIds is not null)
                {
                    cmd.WithList("@m", query.MailboxIds, out string inList);
                    where.Add("mailbox_id " + inList);
                }

                if (query.States is not null)
                {
                    cmd.WithList("@s", query.States.Select(x => (int)x), out string inList);
                    where.Add("state " + inList);
                }

                if (query.GroupId is { } group)
                {
                    cmd.With("@group", group);
                    where.Add("group_id = @group");
                }

                if (query.BeforeId is { } before)
                {
                    cmd.With("@before", before);
                    where.Add("id < @before");
                }

                cmd.With("@limit", query.Limit);
                cmd.Text = $"SELECT {Columns} FROM jobs{SqlWhere.Of(where)} ORDER BY id DESC LIMIT @limit";
                return cmd.ListAsync(Read, ct);
            },
            ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<JobDocument>> DocumentsAsync(long groupId, CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql("SELECT id, group_id, ord, file_name, stored_path, size, pages FROM job_documents WHERE group_id = @g ORDER BY ord, id")
                .With("@g", groupId)
                .ListAsync(ReadDocument, ct),
            ct).ConfigureAwait(false);

    public Task UpdateDocumentAsync(JobDocument document, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(document);
        return db.WriteAsync(
            async s =>
            {
                int n = await BindDocument(
                        s.Sql("UPDATE job_documents SET group_id = @group, ord = @ord, file_name = @name, stored_path = @path, size = @size, pages = @pages WHERE id = @id"),
                        document,
                        document.GroupId)
                    .With("@id", document.Id)
                    .ExecuteAsync(ct).ConfigureAwait(false);
                if (n != 1)
                {
                    throw new KeyNotFoundException($"There is no document {document.Id} to update.");
                }
            },
            ct);
    }

    /// <summary>The conditional form (WHERE state = @expected) is what keeps two schedulers from running one job twice.</summary>
    public async Task<bool> UpdateAsync(FaxJob job, string message, JobState? expected, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(message);
        return await db.WriteAsync(
            async s =>
            {
                var cmd = Bind(s.Sql(Update), job, job.GroupId).With("@id", job.Id);
                if (expected is { } state)
                {
                    cmd.Text += " AND state = @expected";
                    cmd.With("@expected", (int)state);
                }

                if (await cmd.ExecuteAsync(ct).ConfigureAwait(false) != 1)
                {
                    return false;
                }

                await s.Sql("INSERT INTO job_events (job_id, at, state, message) VALUES (@job, @at, @state, @message)")
                    .With("@job", job.Id)
                    .WithTime("@at", job.UpdatedAt)
                    .With("@state", (int)job.State)
                    .With("@message", message)
                    .ExecuteAsync(ct).ConfigureAwait(false);
                return true;
            },
            ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<JobEvent>> EventsAsync(long jobId, CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql("SELECT id, job_id, at, state, message FROM job_events WHERE job_id = @j ORDER BY id")
                .With("@j", jobId)
                .ListAsync(
                    r => new JobEvent
                    {
                        Id = r.GetInt64(0),
                        JobId = r.GetInt64(1),
                        At = db.Dialect.ReadTime(r, 2),
                        State = (JobState)r.GetInt32(3),
                        Message = r.GetString(4),
                    },
                    ct),
            ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<FaxJob>> InStatesAsync(IReadOnlyCollection<JobState> states, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count == 0)
        {
            return [];
        }

        return await db.ReadAsync(
            s =>
            {
                var cmd = s.Sql("").WithList("@s", states.Select(x => (int)x), out string inList);
                cmd.Text = $"SELECT {Columns} FROM jobs WHERE state {inList} ORDER BY id";
                return cmd.ListAsync(Read, ct);
            },
            ct).ConfigureAwait(false);
    }

    public Task<bool> DeleteAsync(long id, CancellationToken ct) =>
        db.WriteAsync(async s => await s.Sql("DELETE FROM jobs WHERE id = @id").With("@id", id).ExecuteAsync(ct).ConfigureAwait(false) > 0, ct);

    public async Task<IReadOnlyList<FaxJob>> FinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql($"SELECT {Columns} FROM jobs WHERE state IN (@done, @failed, @cancelled) AND completed_at < @cutoff ORDER BY id")
                .With("@done", (int)JobState.Done)
                .With("@failed", (int)JobState.Failed)
                .With("@cancelled", (int)JobState.Cancelled)
                .WithTime("@cutoff", cutoff)
                .ListAsync(Read, ct),
            ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<long>> OrphanGroupsAsync(CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql("SELECT DISTINCT d.group_id FROM job_documents d WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.group_id = d.group_id) ORDER BY d.group_id")
                .ListAsync(r => r.GetInt64(0), ct),
            ct).ConfigureAwait(false);

    public Task DeleteGroupDocumentsAsync(long groupId, CancellationToken ct) =>
        db.WriteAsync(s => s.Sql("DELETE FROM job_documents WHERE group_id = @g").With("@g", groupId).ExecuteAsync(ct), ct);

    private static SqlCommand Bind(SqlCommand cmd, FaxJob job, long groupId) =>
        cmd.With("@group", groupId)
            .With("@mailbox", job.MailboxId)
            .With("@by", job.SubmittedBy)
            .With("@destination", job.Destination)
            .With("@dial", job.DialNumber)
            .With("@internal", job.InternalMailboxId)
            .With("@rname", job.RecipientName)
            .With("@rcompany", job.RecipientCompany)
            .With("@resolution", (int)job.Resolution)
            .With("@priority", job.Priority)
            .WithTime("@notBefore", job.NotBefore)
            .With("@maxTries", job.MaxTries)
            .With("@cover", job.CoverPage)
            .With("@subject", job.Subject)
            .With("@note", job.Note)
            .With("@notify", job.NotifyAddress)
            .With("@state", (int)job.State)
            .With("@tries", job.Tries)
            .WithTime("@next", job.NextAttemptAt)
            .With("@pageCount", job.PageCount)
            .With("@pagesSent", job.PagesSent)
            .With("@error", job.LastError)
            .With("@fax", job.FaxDocument)
            .WithTime("@created", job.CreatedAt)
            .WithTime("@updated", job.UpdatedAt)
            .WithTime("@completed", job.CompletedAt);

    private static SqlCommand BindDocument(SqlCommand cmd, JobDocument d, long groupId) =>
        cmd.With("@group", groupId)
            .With("@ord", d.Order)
            .With("@name", d.FileName)
            .With("@path", d.StoredPath)
            .With("@size", d.Size)
            .With("@pages", d.Pages);

    private static JobDocument ReadDocument(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        GroupId = r.GetInt64(1),
        Order = r.GetInt32(2),
        FileName = r.GetString(3),
        StoredPath = r.GetString(4),
        Size = r.GetInt64(5),
        Pages = r.GetInt32(6),
    };

    private FaxJob Read(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        GroupId = r.GetInt64(1),
        MailboxId = r.GetInt64(2),
        SubmittedBy = r.GetInt64(3),
        Destination = r.GetString(4),
        DialNumber = r.GetString(5),
        InternalMailboxId = r.Int64OrNull(6),
        RecipientName = r.StringOrNull(7),
        RecipientCompany = r.StringOrNull(8),
        Resolution = (FaxResolution)r.GetInt32(9),
        Priority = r.GetInt32(10),
        NotBefore = db.Dialect.ReadTimeOrNull(r, 11),
        MaxTries = r.GetInt32(12),
        CoverPage = r.GetBoolean(13),
        Subject = r.StringOrNull(14),
        Note = r.StringOrNull(15),
        NotifyAddress = r.StringOrNull(16),
        State = (JobState)r.GetInt32(17),
        Tries = r.GetInt32(18),
        NextAttemptAt = db.Dialect.ReadTimeOrNull(r, 19),
        PageCount = r.GetInt32(20),
        PagesSent = r.GetInt32(21),
        LastError = r.StringOrNull(22),
        FaxDocument = r.StringOrNull(23),
        CreatedAt = db.Dialect.ReadTime(r, 24),
        UpdatedAt = db.Dialect.ReadTime(r, 25),
        CompletedAt = db.Dialect.ReadTimeOrNull(r, 26),
    };
}
