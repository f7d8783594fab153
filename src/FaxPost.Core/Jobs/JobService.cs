using FaxPost.Core.Accounts;
using FaxPost.Core.Configuration;
using FaxPost.Core.Documents;
using FaxPost.Core.Numbering;
using FaxPost.Core.Rights;
using FaxPost.Core.Scheduling;
using FaxPost.Core.Storage;
using FaxPost.Imaging.Conversion;

namespace FaxPost.Core.Jobs;

/// <summary>
/// Outbound faxes for every front door: submit (validate, authorise, store, convert, queue), list,
/// inspect, stop, delete and change send options — each checked against the mailbox rights
/// (seed 002: send, stop, delete, change send options). A submission is durable (originals on
/// disk, jobs in the database) before it is acknowledged; a submission whose documents cannot be
/// converted is refused and leaves nothing behind.
/// </summary>
public sealed class JobService(
    IPostOfficeStore store,
    IDocumentStore documents,
    IFaxDocumentFactory factory,
    AuthorizationService rights,
    ConversionWorker conversion,
    FaxScheduler scheduler,
    DiskGuard disk,
    DialingPolicy dialing,
    Observers observers,
    FaxPostOptions options,
    TimeProvider time)
{
    private readonly OrganisationNumbering _numbering = options.Numbering.Build();

    public async Task<IReadOnlyList<FaxJob>> SubmitAsync(Principal by, SubmitRequest request, CancellationToken ct)
    {
        disk.Demand();
        var mailbox = await SendingMailboxAsync(by, request.MailboxId, ct).ConfigureAwait(false);
        await rights.DemandAsync(by, mailbox.Id, MailboxRights.Send, ct).ConfigureAwait(false);
        ValidateOptions(request.Priority, request.MaxTries, request.NotBefore, request.NotifyAddress);
        if (request.Subject is { Length: > 200 } || request.Note is { Length: > 4000 })
        {
            throw new ValidationException("The subject has at most 200 and the note at most 4000 characters.");
        }

        if (request.Documents.Count == 0)
        {
            throw new ValidationException("A fax needs at least one document.");
        }

        if (request.Documents.Count > options.Limits.MaxDocuments)
        {
            throw new ValidationException($"A fax may have at most {options.Limits.MaxDocuments} documents.");
        }

        var destinations = await ExpandRecipientsAsync(by, request.Recipients, ct).ConfigureAwait(false);
        var stored = new List<JobDocument>();
        try
        {
            long budget = options.Limits.MaxUploadBytes;
            for (int i = 0; i < request.Documents.Count; i++)
            {
                var upload = request.Documents[i];
                string fileName = SafeFileName(upload.FileName, i);
                StoredFile file;
                try
                {
                    file = await documents.SaveAsync("originals", "bin", upload.Content, budget, ct).ConfigureAwait(false);
                }
                catch (DocumentTooLargeException)
                {
                    throw new DocumentConversionException(fileName, ConversionFailure.TooLarge, $"{fileName}: the documents are larger than {options.Limits.MaxUploadBytes / (1024 * 1024)} MiB together");
                }

                stored.Add(new JobDocument { FileName = fileName, StoredPath = file.RelativePath, Size = file.Length, Order = i });
                budget -= file.Length;
                CheckKind(fileName, file);
            }

            var now = time.GetUtcNow();
            var jobs = destinations.Select(d => new FaxJob
            {
                MailboxId = mailbox.Id,
                SubmittedBy = by.UserId,
                Destination = d.Destination,
                DialNumber = d.E164,
                InternalMailboxId = d.InternalMailboxId,
                RecipientName = d.Name,
                RecipientCompany = d.Company,
                Resolution = request.Resolution,
                Priority = request.Priority,
                NotBefore = request.NotBefore,
                MaxTries = request.MaxTries ?? options.Retry.MaxTries,
                CoverPage = request.CoverPage,
                Subject = request.Subject,
                Note = request.Note,
                NotifyAddress = request.NotifyAddress,
                State = JobState.Submitted,
                CreatedAt = now,
                UpdatedAt = now,
            }).ToList();
            long groupId = await store.Jobs.CreateSubmissionAsync(stored, jobs, ct).ConfigureAwait(false);
            stored.Clear(); // durable now: a failure below no longer removes the files
            if (request.Stored is { } announce)
            {
                try
                {
                    await announce(groupId, ct).ConfigureAwait(false);
                }
                catch
                {
                    await RemoveGroupAsync(groupId, CancellationToken.None).ConfigureAwait(false);
                    throw;
                }
            }


            var door = conversion.EnqueueForDoor(groupId);
            Exception? error = null;
            try
            {
                var finished = await Task.WhenAny(door.Result, Task.Delay(request.WaitForConversion, time, ct)).ConfigureAwait(false);
                if (finished == door.Result || !door.Detach())
                {
                    // Finished, or failed just as the wait ended: the failure is ours to report either way.
                    error = await door.Result.ConfigureAwait(false);
                }
            }
            finally
            {
                door.Detach();
            }

            if (error is not null)
            {
                // Refused at the door: nothing of the submission stays.
                await RemoveGroupAsync(groupId, ct).ConfigureAwait(false);
                throw error is DocumentConversionException ? error : new ValidationException($"The documents could not be converted: {error.Message}");
            }

            scheduler.Wake();
            return await store.Jobs.QueryAsync(new JobQuery(GroupId: groupId), ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var document in stored)
            {
                documents.Delete(document.StoredPath);
            }
        }
    }

    public async Task<IReadOnlyList<FaxJob>> ListAsync(Principal by, JobQuery query, CancellationToken ct)
    {
        if (by.IsPostOffice && query.MailboxIds is null)
        {
            return await store.Jobs.QueryAsync(query, ct).ConfigureAwait(false);
        }

        var visible = by.IsPostOffice
            ? query.MailboxIds!.ToList()
            : await rights.MailboxesWithAsync(by, MailboxRights.AllOutgoing, ct).ConfigureAwait(false);
        var wanted = query.MailboxIds is null ? visible : query.MailboxIds.Where(visible.Contains).ToList();
        if (query.MailboxIds is not null && wanted.Count != query.MailboxIds.Count)
        {
            throw new AccessDeniedException("You may not see the jobs of one of the mailboxes asked for.");
        }

        return wanted.Count == 0 ? [] : await store.Jobs.QueryAsync(query with { MailboxIds = wanted }, ct).ConfigureAwait(false);
    }

    /// <summary>One job; 404 when the caller may not see it, so ids cannot be probed.</summary>
    public async Task<FaxJob> GetAsync(Principal by, long id, CancellationToken ct)
    {
        var job = await store.Jobs.GetAsync(id, ct).ConfigureAwait(false);
        if (job is null || !(by.IsPostOffice || (await rights.RightsOnAsync(by, job.MailboxId, ct).ConfigureAwait(false) & MailboxRights.AllOutgoing) != 0))
        {
            throw new NotFoundException($"There is no job {id} you may see.");
        }

        return job;
    }

    public async Task<IReadOnlyList<JobEvent>> HistoryAsync(Principal by, long id, CancellationToken ct)
    {
        _ = await GetAsync(by, id, ct).ConfigureAwait(false);
        return await store.Jobs.EventsAsync(id, ct).ConfigureAwait(false);
    }

    /// <summary>The converted pages (TIFF-F) of a job, for previews and downloads.</summary>
    public async Task<(FaxJob Job, Stream Tiff)> OpenAsync(Principal by, long id, CancellationToken ct)
    {
        var job = await GetAsync(by, id, ct).ConfigureAwait(false);
        if (job.FaxDocument is null || !documents.Exists(job.FaxDocument))
        {
            throw new ConflictException($"Job {id} has no fax pages (yet).");
        }

        return (job, documents.OpenRead(job.FaxDocument));
    }

    /// <summary>Stops a job (right: stop). A call in progress is hung up; confirmed pages stay sent.</summary>
    public async Task<FaxJob> CancelAsync(Principal by, long id, CancellationToken ct)
    {
        var job = await GetAsync(by, id, ct).ConfigureAwait(false);
        await rights.DemandAsync(by, job.MailboxId, MailboxRights.StopOutgoing, ct).ConfigureAwait(false);
        for (int attempt = 0; attempt < 5; attempt++)
        {
            if (job.State.IsFinal())
            {
                throw new ConflictException($"Job {id} is already {job.State.Describe()}.");
            }

            var from = job.State;
            job.State = JobState.Cancelled;
            job.UpdatedAt = time.GetUtcNow();
            job.CompletedAt = job.UpdatedAt;
            job.NextAttemptAt = null;
            job.LastError = $"stopped by {by.Login}";
            string message = $"stopped by {by.Login} via {by.Via}";
            if (await store.Jobs.UpdateAsync(job, message, from, ct).ConfigureAwait(false))
            {
                if (from == JobState.InProgress)
                {
                    scheduler.Abort(id); // the scheduler announces it when the call has ended
                }
                else
                {
                    await observers.JobChangedAsync(job, message, ct).ConfigureAwait(false);
                }

                return job;
            }

            job = await GetAsync(by, id, ct).ConfigureAwait(false);
        }

        throw new ConflictException($"Job {id} is changing too fast to be stopped; try again.");
    }

    /// <summary>Removes a job from the lists (right: delete). A job still waiting is stopped first.</summary>
    public async Task DeleteAsync(Principal by, long id, CancellationToken ct)
    {
        var job = await GetAsync(by, id, ct).ConfigureAwait(false);
        await rights.DemandAsync(by, job.MailboxId, MailboxRights.DeleteOutgoing, ct).ConfigureAwait(false);
        if (!job.State.IsFinal())
        {
            await rights.DemandAsync(by, job.MailboxId, MailboxRights.StopOutgoing, ct).ConfigureAwait(false);
            job = await CancelAsync(by, id, ct).ConfigureAwait(false);
        }

        await store.Jobs.DeleteAsync(id, ct).ConfigureAwait(false);
        await RemoveUnusedDocumentsAsync(job, ct).ConfigureAwait(false);
    }

    /// <summary>Changes send options of a job that is not running (right: change send options).</summary>
    public async Task<FaxJob> ChangeAsync(Principal by, long id, JobChanges changes, CancellationToken ct)
    {
        var job = await GetAsync(by, id, ct).ConfigureAwait(false);
        await rights.DemandAsync(by, job.MailboxId, MailboxRights.ChangeSendOptions, ct).ConfigureAwait(false);
        if (job.State is not (JobState.Queued or JobState.WaitingToRetry))
        {
            throw new ConflictException($"Job {id} is {job.State.Describe()}; only waiting jobs can be changed.");
        }

        ValidateOptions(changes.Priority ?? job.Priority, changes.MaxTries, changes.NotBefore, changes.NotifyAddress);
        var from = job.State;
        var said = new List<string>();
        if (changes.Priority is { } p && p != job.Priority)
        {
            job.Priority = p;
            said.Add($"priority {p}");
        }

        if (changes.ClearNotBefore && job.NotBefore is not null)
        {
            job.NotBefore = null;
            said.Add("send as soon as possible");
        }
        else if (changes.NotBefore is { } nb)
        {
            job.NotBefore = nb;
            said.Add($"not before {nb:yyyy-MM-dd HH:mm}Z");
        }

        if (changes.MaxTries is { } tries)
        {
            job.MaxTries = Math.Max(tries, job.Tries + 1);
            said.Add($"at most {job.MaxTries} tries");
        }

        if (changes.NotifyAddress is not null)
        {
            job.NotifyAddress = changes.NotifyAddress.Length == 0 ? null : changes.NotifyAddress;
            said.Add("notify " + (job.NotifyAddress ?? "nobody"));
        }

        bool reconvert = changes.Resolution is { } r && r != job.Resolution && job.PagesSent == 0;
        if (reconvert)
        {
            job.Resolution = changes.Resolution!.Value;
            job.State = JobState.Submitted;
            said.Add($"resolution {job.Resolution}");
        }

        if (said.Count == 0)
        {
            return job;
        }

        job.UpdatedAt = time.GetUtcNow();
        if (!await store.Jobs.UpdateAsync(job, $"{by.Login} changed: {string.Join(", ", said)}", from, ct).ConfigureAwait(false))
        {
            throw new ConflictException($"Job {id} changed meanwhile; look again and retry.");
        }

        if (reconvert)
        {
            _ = conversion.EnqueueAsync(job.GroupId);
        }

        scheduler.Wake();
        return job;
    }

    /// <summary>
    /// The cover sheet the first recipient of a fax would get, for a preview before it is submitted: the same
    /// sending mailbox, rights check and recipient expansion as <see cref="SubmitAsync"/> (a name from the
    /// address book, the number as typed). Without recipients yet the "to" lines are empty. The page count
    /// is the caller's to set (<see cref="CoverSheet.Pages"/>, cover included).
    /// </summary>
    public async Task<CoverSheet> PreviewCoverSheetAsync(Principal by, long? mailboxId, IReadOnlyList<RecipientSpec> recipients, string? subject, string? note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        var mailbox = await SendingMailboxAsync(by, mailboxId, ct).ConfigureAwait(false);
        await rights.DemandAsync(by, mailbox.Id, MailboxRights.Send, ct).ConfigureAwait(false);
        if (subject is { Length: > 200 } || note is { Length: > 4000 })
        {
            throw new ValidationException("The subject has at most 200 and the note at most 4000 characters.");
        }

        var first = recipients.Count == 0 ? null : (await ExpandRecipientsAsync(by, recipients, ct).ConfigureAwait(false))[0];
        return CoverSheet.Of(first?.Name, first?.Company, first?.Destination ?? "", mailbox, subject, note, 0, time.GetUtcNow());
    }

    private async Task<Mailbox> SendingMailboxAsync(Principal by, long? mailboxId, CancellationToken ct)
    {
        if (mailboxId is { } id)
        {
            return await store.Mailboxes.GetAsync(id, ct).ConfigureAwait(false) ?? throw new ValidationException($"There is no mailbox {id}.");
        }

        return (await store.Mailboxes.ListAsync(ct).ConfigureAwait(false))
            .FirstOrDefault(m => m.OwnerKind == MailboxOwnerKind.User && m.OwnerId == by.UserId)
            ?? throw new ValidationException("You have no personal mailbox; name the mailbox to send from.");
    }

    private sealed record Target(string Destination, string E164, long? InternalMailboxId, string? Name, string? Company);

    private async Task<List<Target>> ExpandRecipientsAsync(Principal by, IReadOnlyList<RecipientSpec> recipients, CancellationToken ct)
    {
        if (recipients.Count == 0)
        {
            throw new ValidationException("A fax needs at least one recipient.");
        }

        var result = new List<Target>();
        foreach (var recipient in recipients)
        {
            if (recipient.ListId is { } listId)
            {
                var list = await store.AddressBook.GetListAsync(listId, ct).ConfigureAwait(false);
                if (list is null || (list.OwnerUserId is not null && list.OwnerUserId != by.UserId))
                {
                    throw new ValidationException($"There is no distribution list {listId}.");
                }

                foreach (long contactId in list.ContactIds)
                {
                    var contact = await store.AddressBook.GetContactAsync(contactId, ct).ConfigureAwait(false);
                    if (contact?.FaxNumber is { } number)
                    {
                        result.Add(await ResolveAsync(by, number, contact.Name, contact.Company, ct).ConfigureAwait(false));
                    }
                }
            }
            else if (recipient.ContactId is { } contactId)
            {
                var contact = await store.AddressBook.GetContactAsync(contactId, ct).ConfigureAwait(false);
                if (contact is null || (contact.OwnerUserId is not null && contact.OwnerUserId != by.UserId))
                {
                    throw new ValidationException($"There is no contact {contactId}.");
                }

                result.Add(await ResolveAsync(by, contact.FaxNumber ?? throw new ValidationException($"'{contact.Name}' has no fax number."), contact.Name, contact.Company, ct).ConfigureAwait(false));
            }
            else
            {
                result.Add(await ResolveAsync(by, recipient.Number ?? "", recipient.Name, recipient.Company, ct).ConfigureAwait(false));
            }

            if (result.Count > options.Limits.MaxRecipients)
            {
                throw new ValidationException($"A fax may go to at most {options.Limits.MaxRecipients} recipients.");
            }
        }

        if (result.Count == 0)
        {
            throw new ValidationException("None of the recipients has a fax number.");
        }

        return result;
    }

    private async Task<Target> ResolveAsync(Principal by, string number, string? name, string? company, CancellationToken ct)
    {
        if (name is { Length: > 100 } || company is { Length: > 100 })
        {
            throw new ValidationException("Recipient names have at most 100 characters.");
        }

        var parsed = _numbering.Parse(number);
        if (!parsed.IsValid)
        {
            throw new ValidationException($"'{Shorten(number)}' is not a fax number: {parsed.Error}.");
        }

        long? internalMailbox = null;
        if (parsed.Kind == NumberKind.Extension)
        {
            var mailbox = await store.Mailboxes.FindByExtensionAsync(parsed.ExtensionDigits!, ct).ConfigureAwait(false)
                ?? throw new ValidationException($"'{Shorten(number)}' is our own number, but extension {parsed.ExtensionDigits} does not exist.");
            internalMailbox = mailbox.Id;
        }

        else if (await dialing.RefusalAsync(by, parsed.E164!, ct).ConfigureAwait(false) is { } refusal)
        {
            throw new AccessDeniedException($"'{Shorten(number)}': {refusal}.");
        }

        return new Target(number.Trim(), parsed.E164!, internalMailbox, name, company);
    }

    private void CheckKind(string fileName, StoredFile file)
    {
        if (file.Length == 0)
        {
            throw new DocumentConversionException(fileName, ConversionFailure.Empty, $"{fileName}: the file is empty");
        }

        Span<byte> head = stackalloc byte[1024];
        int n;
        using (var stream = documents.OpenRead(file.RelativePath))
        {
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (factory.Detect(head[..n], fileName) is null)
        {
            throw new DocumentConversionException(fileName, ConversionFailure.UnknownType, $"{fileName}: this kind of file cannot be faxed (PDF, PostScript, TIFF, PNG, JPEG and plain text can)");
        }
    }

    private static void ValidateOptions(int priority, int? maxTries, DateTimeOffset? notBefore, string? notifyAddress)
    {
        if (priority is < 0 or > 255)
        {
            throw new ValidationException("The priority is 0 (lowest) to 255 (highest).");
        }

        if (maxTries is < 1 or > 100)
        {
            throw new ValidationException("The number of tries is 1 to 100.");
        }

        if (notBefore is { } nb && nb > DateTimeOffset.UtcNow.AddYears(1))
        {
            throw new ValidationException("A fax can be scheduled at most one year ahead.");
        }

        if (notifyAddress is { Length: > 0 } a && (a.Length > 254 || a.IndexOf('@', StringComparison.Ordinal) < 1 || a.Any(char.IsWhiteSpace)))
        {
            throw new ValidationException($"'{Shorten(a)}' is not an e-mail address.");
        }
    }

    /// <summary>The user's file name, reduced to a plain name for messages and the cover page.</summary>
    private static string SafeFileName(string? name, int index)
    {
        string plain = Path.GetFileName((name ?? "").Replace('\\', '/'));
        plain = new string(plain.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (plain.Length == 0)
        {
            plain = $"document {index + 1}";
        }

        return plain.Length > 120 ? plain[..120] : plain;
    }

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private async Task RemoveGroupAsync(long groupId, CancellationToken ct)
    {
        foreach (var job in await store.Jobs.QueryAsync(new JobQuery(GroupId: groupId), ct).ConfigureAwait(false))
        {
            await store.Jobs.DeleteAsync(job.Id, ct).ConfigureAwait(false);
            if (job.FaxDocument is not null)
            {
                documents.Delete(job.FaxDocument);
            }
        }

        foreach (var document in await store.Jobs.DocumentsAsync(groupId, ct).ConfigureAwait(false))
        {
            documents.Delete(document.StoredPath);
        }

        await store.Jobs.DeleteGroupDocumentsAsync(groupId, ct).ConfigureAwait(false);
    }

    private async Task RemoveUnusedDocumentsAsync(FaxJob job, CancellationToken ct)
    {
        var siblings = await store.Jobs.QueryAsync(new JobQuery(GroupId: job.GroupId), ct).ConfigureAwait(false);
        if (job.FaxDocument is not null && siblings.All(s => s.FaxDocument != job.FaxDocument))
        {
            documents.Delete(job.FaxDocument);
        }

        if (siblings.Count == 0)
        {
            foreach (var document in await store.Jobs.DocumentsAsync(job.GroupId, ct).ConfigureAwait(false))
            {
                documents.Delete(document.StoredPath);
            }

            await store.Jobs.DeleteGroupDocumentsAsync(job.GroupId, ct).ConfigureAwait(false);
        }
    }
}
