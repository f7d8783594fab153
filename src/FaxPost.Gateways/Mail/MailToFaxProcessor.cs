using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.AddressBook;
using FaxPost.Core.Configuration;
using FaxPost.Core.Jobs;
using FaxPost.Core.Numbering;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Imaging.Conversion;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace FaxPost.Gateways.Mail;

public enum MailOutcome
{
    /// <summary>Faxes queued (and serial-letter mails queued); the message is done.</summary>
    Submitted = 1,

    /// <summary>Refused with a reply to the sender; the message is done.</summary>
    Refused = 2,

    /// <summary>Machine traffic or unanswerable; dropped with a log line; the message is done.</summary>
    Discarded = 3,

    /// <summary>Already handled earlier (same Message-ID); the message is done.</summary>
    Duplicate = 4,

    /// <summary>Not handled now (server overloaded, store unreachable); leave the message for the next fetch.</summary>
    RetryLater = 5,
}

public sealed record MailResult(MailOutcome Outcome, string Detail, IReadOnlyList<FaxJob> Jobs)
{
    /// <summary>The message may be removed or flagged done in the mailbox.</summary>
    public bool IsDone => Outcome != MailOutcome.RetryLater;
}

/// <summary>
/// Mail-to-fax for one message, whichever protocol fetched it: loop check, sender authorisation
/// (From must be a user with the send right, plus the PIN when required; seed 002: no faxes at our
/// cost for outsiders), recipients from the subject or the address, documents, submission through
/// <see cref="JobService"/>, a reply for every refusal. At-least-once without duplicates: the
/// Message-ID is claimed before submitting and marked done after the jobs are stored; a claim found
/// without "done" (a crash in between) is matched against the stored submissions before anything is
/// sent again.
/// </summary>
public sealed partial class MailToFaxProcessor(
    IPostOfficeStore store,
    AccountService accounts,
    JobService jobs,
    MailComposer composer,
    MailOutbox outbox,
    SerialLetterReport serialReport,
    MailGatewayOptions options,
    FaxPostOptions faxOptions,
    TimeProvider time,
    ILogger<MailToFaxProcessor> logger)
{
    private const int MaxUnexpectedFailures = 3;
    private readonly OrganisationNumbering _numbering = faxOptions.Numbering.Build();
    private readonly MailDocumentExtractor _extractor = new(options.Content, options.MaxDocumentBytes, options.MaxAttachments);

    /// <summary>Serial letters by mail carry the mail's text whatever <see cref="MailGatewayOptions.Content"/> says.</summary>
    private readonly MailDocumentExtractor _extractorForText = new(MailFaxContent.MailAndAttachments, options.MaxDocumentBytes, options.MaxAttachments);

    /// <summary>
    /// True when a message with these headers was handled already (POP3 keeps messages and asks before
    /// downloading). Seeing it again renews its record, so records of messages still in the mailbox
    /// never expire (<see cref="MailGatewayOptions.MessageRecordRetention"/>).
    /// </summary>
    public async Task<bool> IsDoneAsync(HeaderList headers, CancellationToken ct)
    {
        var record = await store.Mail.GetMessageAsync(KeyOf(headers), ct).ConfigureAwait(false);
        if (record?.State.StartsWith("done", StringComparison.Ordinal) != true)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (now - record.SeenAt > options.MessageRecordRetention / 4)
        {
            await store.Mail.SetMessageAsync(record.Key, record.State, now, ct).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Forgets the records of messages not seen for <see cref="MailGatewayOptions.MessageRecordRetention"/>
    /// (long gone from the mailbox: removed, or kept and flagged done); returns how many.
    /// </summary>
    public Task<int> ForgetOldMessagesAsync(CancellationToken ct) =>
        store.Mail.ForgetMessagesAsync(time.GetUtcNow() - options.MessageRecordRetention, ct);

    private async Task<string?> StateAsync(string key, CancellationToken ct) =>
        (await store.Mail.GetMessageAsync(key, ct).ConfigureAwait(false))?.State;

    private Task SetStateAsync(string key, string state, CancellationToken ct) =>
        store.Mail.SetMessageAsync(key, state, time.GetUtcNow(), ct);

    /// <summary>Moves the message from this node's claim to <paramref name="state"/>, storing <paramref name="mails"/> with it; false when another node took the claim over.</summary>
    private async Task<bool> FinishAsync(string key, MessageClaimResult claim, string state, List<QueuedMail> mails, List<MailMessageRecord> records, CancellationToken ct)
    {
        if (!await store.Mail.TransitionMessageAsync(new MessageTransition(key, claim.State, state, time.GetUtcNow(), mails, records), ct).ConfigureAwait(false))
        {
            return false;
        }

        if (mails.Count > 0)
        {
            outbox.Wake();
        }

        return true;
    }

    /// <summary>A message larger than <see cref="MailGatewayOptions.MaxMessageBytes"/>: answered from its headers, never downloaded.</summary>
    public Task<MailResult> RefuseTooLargeAsync(HeaderList headers, long size, CancellationToken ct)
    {
        var message = new MimeMessage();
        foreach (var header in headers)
        {
            message.Headers.Add(header);
        }

        string key = KeyOf(headers); // not the copy's: a new MimeMessage has a Message-ID of its own
        return GuardAsync(message, key, claim => TooLargeAsync(message, key, claim, size, ct), ct);
    }

    /// <summary>A message whose MIME structure cannot be parsed at all: answered from its headers (if any) so it does not come back.</summary>
    public Task<MailResult> RefuseUnreadableAsync(HeaderList headers, string error, CancellationToken ct)
    {
        var message = new MimeMessage();
        foreach (var header in headers)
        {
            message.Headers.Add(header);
        }

        string key = KeyOf(headers);
        return GuardAsync(message, key, async claim =>
        {
            if (MailLoopDetector.Classify(message, options.FromAddress) is { } machine)
            {
                return await DiscardAsync(message, key, claim, machine, ct).ConfigureAwait(false);
            }

            return await RefuseAsync(message, key, claim, $"The fax was not sent: the mail could not be read ({error}). Send it again, with the document as a PDF attachment.", ct).ConfigureAwait(false);
        }, ct);
    }

    public Task<MailResult> ProcessAsync(MimeMessage message, CancellationToken ct) =>
        GuardAsync(message, KeyOf(message.Headers), claim => HandleAsync(message, KeyOf(message.Headers), claim, ct), ct);

    /// <summary>
    /// Claims the message for this node first (<see cref="IMailStore.ClaimMessageAsync"/>): of nodes fetching one
    /// mailbox, only the claim's winner handles it; a node that loses leaves it alone this round (another node is at
    /// it) or, when it is done, lets the mailbox forget it. Nothing from outside crashes the gateway: unexpected
    /// errors leave the message for a few more tries, then refuse it.
    /// </summary>
    private async Task<MailResult> GuardAsync(MimeMessage message, string key, Func<MessageClaimResult, Task<MailResult>> handle, CancellationToken ct)
    {
        MessageClaimResult? claim = null;
        try
        {
            var now = time.GetUtcNow();
            claim = await store.Mail.ClaimMessageAsync(key, options.NodeName, now, now + options.MessageClaimLease, ct).ConfigureAwait(false);
            if (!claim.Won)
            {
                return claim.Claim is { } held
                    ? new MailResult(MailOutcome.RetryLater, $"being handled by node {held.Node} (claimed until {held.Until:u})", [])
                    : new MailResult(MailOutcome.Duplicate, $"already handled ({claim.State})", []);
            }

            return await handle(claim).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogCrashed(e, Describe(message));
            try
            {
                string triesKey = key + ".failures";
                int tries = int.TryParse(await StateAsync(triesKey, ct).ConfigureAwait(false), out int t) ? t + 1 : 1;
                await SetStateAsync(triesKey, tries.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
                if (tries < MaxUnexpectedFailures || claim is not { Won: true })
                {
                    return new MailResult(MailOutcome.RetryLater, $"failed unexpectedly ({e.GetType().Name}); try {tries} of {MaxUnexpectedFailures}", []);
                }

                return await RefuseAsync(message, key, claim, "The fax server could not process this mail. The fax post office has been told; please try again later or send the document another way.", ct).ConfigureAwait(false);
            }
            catch (Exception inner) when (inner is not OperationCanceledException)
            {
                return new MailResult(MailOutcome.RetryLater, $"failed unexpectedly ({e.GetType().Name}) and the store is unreachable ({inner.GetType().Name})", []);
            }
        }
    }

    private async Task<MailResult> HandleAsync(MimeMessage message, string key, MessageClaimResult claim, CancellationToken ct)
    {
        if (MailLoopDetector.Classify(message, options.FromAddress) is { } machine)
        {
            return await DiscardAsync(message, key, claim, machine, ct).ConfigureAwait(false);
        }

        var fromList = message.From.Mailboxes.ToList();
        if (fromList.Count != 1 || fromList[0].Address is not { Length: > 0 } fromAddress || !fromAddress.Contains('@', StringComparison.Ordinal))
        {
            return await DiscardAsync(message, key, claim, "no single From address to answer", ct).ConfigureAwait(false);
        }

        if (options.TrustedAuthServId is { Length: > 0 } authServId && !SenderVerification.IsVerified(message.Headers, authServId, fromAddress, out string unverified))
        {
            LogUnverifiedSender(fromAddress, unverified);
            return await RefuseAsync(message, key, claim, $"The fax was not sent: our mail server could not confirm that this mail comes from {fromAddress} ({unverified}).", ct).ConfigureAwait(false);
        }

        var user = await store.Users.FindByEmailAsync(fromAddress, ct).ConfigureAwait(false);
        var principal = user is { Active: true } ? await accounts.PrincipalForAsync(user.Id, "mail", ct).ConfigureAwait(false) : null;
        if (user is null || principal is null)
        {
            LogUnknownSender(fromAddress, Describe(message));
            return await RefuseAsync(message, key, claim, $"The address {fromAddress} may not send faxes through this server. Ask the fax post office to register your e-mail address with your account.", ct).ConfigureAwait(false);
        }

        var subject = SubjectParser.Parse(message.Subject);
        List<string> addressNumbers = options.Recipients == MailRecipientSource.Subject || options.FaxDomain is null ? [] : FaxAddressParser.NumbersIn(message, options.FaxDomain);
        bool fromAddressPart = addressNumbers.Count > 0;
        if (!fromAddressPart && (options.Recipients == MailRecipientSource.LocalPart))
        {
            return await RefuseAsync(message, key, claim, $"Write the fax number as the address, e.g. +4989123456@{options.FaxDomain}.", ct).ConfigureAwait(false);
        }

        string? pinError = CheckPin(user, fromAddressPart ? PinOnly(message.Subject) : subject.Pin);
        if (pinError is not null)
        {
            LogBadPin(user.Login);
            return await RefuseAsync(message, key, claim, pinError, ct).ConfigureAwait(false);
        }

        if (!fromAddressPart && !subject.IsValid)
        {
            return await RefuseAsync(message, key, claim, $"The fax was not sent: {subject.Error}.", ct).ConfigureAwait(false);
        }

        var extracted = _extractor.Extract(message);
        if (!extracted.IsValid)
        {
            var reasons = new List<string>(extracted.Refused);
            if (extracted.Error is not null)
            {
                reasons.Insert(0, extracted.Error);
            }

            return await RefuseAsync(message, key, claim, "The fax was not sent:\n\n- " + string.Join("\n- ", reasons), ct).ConfigureAwait(false);
        }

        var plan = new Plan();
        string? recipientError = fromAddressPart
            ? AddNumbers(plan, addressNumbers)
            : await AddSubjectRecipientsAsync(plan, user.Id, subject.Recipients, ct).ConfigureAwait(false);
        if (recipientError is not null)
        {
            return await RefuseAsync(message, key, claim, $"The fax was not sent: {recipientError}", ct).ConfigureAwait(false);
        }

        // Claimed, then submit: a crash between the two is recognised by whoever takes the claim over (this node
        // after a restart, another once the lease has ended).
        IReadOnlyList<FaxJob> queued = [];
        bool recovered = false;
        if (claim.Previous is { } previous)
        {
            if (await FindEarlierSubmissionAsync(user.Id, previous.Since, extracted.Documents, ct).ConfigureAwait(false) is { } group)
            {
                // The faxes were stored but the message not finished: finish it (a serial letter's mails are still to be queued).
                recovered = true;
                queued = await store.Jobs.QueryAsync(new JobQuery(GroupId: group), ct).ConfigureAwait(false);
                LogRecovered(user.Login, group);
            }
        }

        bool serial = plan.Mail.Count > 0;
        if (!recovered)
        {
            if (plan.Fax.Count > 0)
            {
                try
                {
                    queued = await jobs.SubmitAsync(
                        principal,
                        new SubmitRequest
                        {
                            Recipients = plan.Fax,
                            Documents = extracted.Documents.Select(d => new UploadedDocument(d.FileName, new MemoryStream(d.Content, writable: false))).ToList(),
                            // A serial letter's faxes are marked before any job event: its report replaces their notices.
                            Stored = serial ? serialReport.MarkAsync : null,
                        },
                        ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is ValidationException or AccessDeniedException or DocumentConversionException or NotFoundException or ConflictException)
                {
                    LogRefusedByPostOffice(user.Login, e.Message);
                    // Outbound number restrictions (premium rate, national only) say which number and why.
                    return await RefuseAsync(message, key, claim, $"The fax was not sent: {e.Message}", ct).ConfigureAwait(false);
                }
                catch (OverloadedException e)
                {
                    await FinishAsync(key, claim, "retry", [], [], ct).ConfigureAwait(false);
                    return new MailResult(MailOutcome.RetryLater, e.Message, []);
                }
            }
        }

        string groupText = (queued.Count > 0 ? $"group {queued[0].GroupId}" : "no fax") + (recovered ? " (recovered)" : "");
        var mails = new List<QueuedMail>();
        var records = new List<MailMessageRecord>();
        if (serial)
        {
            // Serial letter (seed 001): recipients with an e-mail address get the document free of charge by mail;
            // the subject (numbers, list name, PIN) is not passed on to them. Every mail goes through the durable
            // queue, stored with "done" below in one transaction: a crash before it leaves the message to be
            // handled again (nothing was queued), a crash after it loses nothing and sends nothing twice.
            // The letter is opened with its mails; its report goes out when its last fax or mail is finished.
            string letterKey = SerialLetterReport.LetterKey(queued.Count > 0 ? queued[0].GroupId : null, key);
            var letters = await SerialLettersAsync(message, fromList[0], user, letterKey, plan.Mail, extracted.Documents, ct).ConfigureAwait(false);
            mails.AddRange(letters.Select(l => l.Mail));
            string letterSubject = Short(SubjectParser.WithoutPin(message.Subject));
            var report = letters.Select(l => $"{l.Letter.Line}: queued for sending").ToList();
            records.Add(serialReport.OpenRecord(letterKey, fromAddress, letterSubject, [.. letters.Select(l => l.Letter)]));

            foreach (var job in queued)
            {
                report.Add($"{job.RecipientName ?? job.Destination}: by fax to {job.DialNumber}: job {job.Id} {job.State.Describe()}");
            }

            mails.Add(await outbox.ToQueuedAsync(
                new OutgoingMail(
                    composer.Reply(message, fromList[0], "Serial letter sent: " + letterSubject, "Your serial letter went out as follows:\n\n- " + string.Join("\n- ", report) + (queued.Count > 0
                        ? "\n\nWhen every fax and mail is finished, a report lists all recipients with their results."
                        : "\n\nIf a mail cannot be delivered, a report lists all recipients with their results.")),
                    $"serial letter report to {fromAddress}",
                    QueuedMailKind.Reply),
                ct).ConfigureAwait(false));
        }

        if (!await FinishAsync(key, claim, $"done|{groupText}", mails, records, ct).ConfigureAwait(false))
        {
            // Another node took the claim over (ours outlived its lease) and finishes the message: its mails are queued, not ours.
            return new MailResult(MailOutcome.Duplicate, $"finished meanwhile elsewhere ({groupText})", []);
        }

        LogSubmitted(user.Login, queued.Count, plan.Mail.Count, groupText);
        if (serial && queued.Count > 0 && await serialReport.TryReportAsync(queued[0].GroupId, ct).ConfigureAwait(false))
        {
            // Faxes that finished before the letter was opened (e.g. while the server was down before a recovery) sent no report.
            outbox.Wake();
        }

        return recovered
            ? new MailResult(MailOutcome.Duplicate, $"submitted before a restart as {groupText}", [])
            : new MailResult(MailOutcome.Submitted, groupText, queued);
    }

    private async Task<MailResult> TooLargeAsync(MimeMessage message, string key, MessageClaimResult claim, long size, CancellationToken ct)
    {
        if (MailLoopDetector.Classify(message, options.FromAddress) is { } machine)
        {
            return await DiscardAsync(message, key, claim, machine, ct).ConfigureAwait(false);
        }

        return await RefuseAsync(message, key, claim, $"The fax was not sent: the mail is {size / (1024 * 1024.0):0.0} MiB; the fax server takes mails up to {options.MaxMessageBytes / (1024 * 1024.0):0.0} MiB.", ct).ConfigureAwait(false);
    }

    private string? CheckPin(User user, string? pin)
    {
        if (user.PinHash is null && !options.RequirePin)
        {
            return null;
        }

        if (user.PinHash is null)
        {
            return "The fax was not sent: this server needs a PIN in the subject, and your account has none yet. Set one in the web interface.";
        }

        return pin is not null && PasswordHasher.Verify(pin, user.PinHash)
            ? null
            : "The fax was not sent: the subject must hold your PIN (e.g. \"0089123456 PIN 1234\"), and the PIN given was missing or wrong.";
    }

    private static string? PinOnly(string? subject) => SubjectParser.Parse((subject ?? "") + ", 0").Pin;

    private string? AddNumbers(Plan plan, IEnumerable<string> numbers)
    {
        foreach (string number in numbers)
        {
            var parsed = _numbering.Parse(number, withAccessCode: !number.TrimStart().StartsWith('+'));
            if (!parsed.IsValid)
            {
                return $"'{Short(number)}' is not a fax number: {parsed.Error}.";
            }

            plan.Fax.Add(new RecipientSpec(Number: parsed.E164));
        }

        return null;
    }

    private async Task<string?> AddSubjectRecipientsAsync(Plan plan, long userId, IReadOnlyList<SubjectRecipient> recipients, CancellationToken ct)
    {
        IReadOnlyList<Contact>? contacts = null;
        IReadOnlyList<DistributionList>? lists = null;
        foreach (var recipient in recipients)
        {
            if (recipient.IsNumber)
            {
                if (AddNumbers(plan, [recipient.Text]) is { } error)
                {
                    return error;
                }

                continue;
            }

            contacts ??= await store.AddressBook.ContactsAsync(userId, ct).ConfigureAwait(false);
            lists ??= await store.AddressBook.ListsAsync(userId, ct).ConfigureAwait(false);

            // Personal entries win over central ones of the same name.
            var list = lists.Where(l => l.Name.Equals(recipient.Text, StringComparison.OrdinalIgnoreCase)).OrderBy(l => l.OwnerUserId is null).FirstOrDefault();
            if (list is not null)
            {
                foreach (long contactId in list.ContactIds)
                {
                    var contact = contacts.FirstOrDefault(c => c.Id == contactId) ?? await store.AddressBook.GetContactAsync(contactId, ct).ConfigureAwait(false);
                    if (contact is not null)
                    {
                        plan.AddContact(contact, preferMail: true);
                    }
                }

                continue;
            }

            var match = contacts.Where(c => c.Name.Equals(recipient.Text, StringComparison.OrdinalIgnoreCase) || (c.Company?.Equals(recipient.Text, StringComparison.OrdinalIgnoreCase) ?? false))
                .OrderBy(c => c.OwnerUserId is null).ToList();
            if (match.Count == 0)
            {
                return $"'{Short(recipient.Text)}' is neither a fax number nor a name in your address book.";
            }

            if (match.Count > 1 && match[0].OwnerUserId == match[1].OwnerUserId)
            {
                return $"'{Short(recipient.Text)}' names {match.Count} entries in the address book; use the number.";
            }

            if (match[0].FaxNumber is null && match[0].Email is null)
            {
                return $"'{match[0].Name}' has neither a fax number nor an e-mail address.";
            }

            plan.AddContact(match[0], preferMail: false);
        }

        return plan.Fax.Count + plan.Mail.Count == 0 ? "none of the recipients has a fax number or an e-mail address." : null;
    }

    /// <summary>The serial letter mails to queue, each with the ledger key where the outbox records its outcome (for the final report).</summary>
    private async Task<List<(QueuedMail Mail, LetterMail Letter)>> SerialLettersAsync(MimeMessage original, MailboxAddress from, User user, string letterKey, List<Contact> contacts, IReadOnlyList<MailDocument> documents, CancellationToken ct)
    {
        var letters = new List<(QueuedMail, LetterMail)>();
        var body = _extractorForText.Extract(original).Documents.FirstOrDefault(d => d.FileName == "mail.txt");
        string? text = body is null ? null : Encoding.UTF8.GetString(body.Content);
        var attachments = documents.Where(d => d.FileName != "mail.txt" || options.Content == MailFaxContent.Attachments).ToList();
        for (int i = 0; i < contacts.Count; i++)
        {
            var contact = contacts[i];
            var letter = composer.SerialLetter(new MailboxAddress(contact.Name, contact.Email!), from, $"Document from {user.DisplayName}", text, attachments);
            string ledgerKey = SerialLetterReport.MailLedgerKey(letterKey, i);
            var queued = await outbox.ToQueuedAsync(new OutgoingMail(letter, $"serial letter to {contact.Email}", QueuedMailKind.SerialLetter, LedgerKey: ledgerKey), ct).ConfigureAwait(false);
            letters.Add((queued, new LetterMail($"{contact.Name}: by e-mail to {contact.Email}", ledgerKey)));
        }

        return letters;
    }

    /// <summary>A submission stored after <paramref name="since"/> by this user with the same documents (names and sizes).</summary>
    private async Task<long?> FindEarlierSubmissionAsync(long userId, DateTimeOffset since, IReadOnlyList<MailDocument> documents, CancellationToken ct)
    {
        var mailbox = await accounts.PersonalMailboxAsync(userId, ct).ConfigureAwait(false);
        if (mailbox is null)
        {
            return null;
        }

        var recent = await store.Jobs.QueryAsync(new JobQuery(MailboxIds: [mailbox.Id], Limit: 500), ct).ConfigureAwait(false);
        foreach (long group in recent.Where(j => j.SubmittedBy == userId && j.CreatedAt >= since.AddSeconds(-1)).Select(j => j.GroupId).Distinct())
        {
            var stored = (await store.Jobs.DocumentsAsync(group, ct).ConfigureAwait(false)).OrderBy(d => d.Order).ToList();
            if (stored.Count == documents.Count && stored.Zip(documents).All(p => p.First.Size == p.Second.Content.Length && p.First.FileName == p.Second.FileName))
            {
                return group;
            }
        }

        return null;
    }

    /// <summary>Done with a reply naming the reason, stored with "done" in one step: of nodes that both read the message, one answers.</summary>
    private async Task<MailResult> RefuseAsync(MimeMessage message, string key, MessageClaimResult claim, string text, CancellationToken ct)
    {
        var mails = new List<QueuedMail>();
        var to = message.ReplyTo.Mailboxes.FirstOrDefault() ?? message.From.Mailboxes.FirstOrDefault();
        if (to is not null && MailLoopDetector.Classify(message, options.FromAddress) is null)
        {
            var reply = composer.Reply(message, to, "Fax not sent: " + Short(SubjectParser.WithoutPin(message.Subject)), text + "\n\nThis is an automatic answer of the fax server.");
            mails.Add(await outbox.ToQueuedAsync(new OutgoingMail(reply, $"refusal to {to.Address}", QueuedMailKind.Reply), ct).ConfigureAwait(false));
        }

        if (!await FinishAsync(key, claim, "done|refused", mails, [], ct).ConfigureAwait(false))
        {
            return new MailResult(MailOutcome.Duplicate, "finished meanwhile elsewhere", []);
        }

        LogRefused(Describe(message), FirstLine(text));
        return new MailResult(MailOutcome.Refused, text, []);
    }

    private async Task<MailResult> DiscardAsync(MimeMessage message, string key, MessageClaimResult claim, string why, CancellationToken ct)
    {
        if (!await FinishAsync(key, claim, "done|discarded", [], [], ct).ConfigureAwait(false))
        {
            return new MailResult(MailOutcome.Duplicate, "finished meanwhile elsewhere", []);
        }

        LogDiscarded(Describe(message), why);
        return new MailResult(MailOutcome.Discarded, why, []);
    }

    /// <summary>The dedup key: the Message-ID, or (without one) a hash of the headers that identify the mail.</summary>
    internal static string KeyOf(HeaderList headers)
    {
        string? id = headers[HeaderId.MessageId]?.Trim();
        string basis = !string.IsNullOrEmpty(id)
            ? "id:" + id
            : "h:" + headers[HeaderId.From] + "|" + headers[HeaderId.Date] + "|" + headers[HeaderId.Subject] + "|" + headers[HeaderId.To] + "|" + string.Join("|", headers.Where(h => h.Id == HeaderId.Received).Take(1).Select(h => h.Value));
        return "mail.msg." + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(basis)).AsSpan(0, 16));
    }

    private static string Describe(MimeMessage message) =>
        $"{Short(message.MessageId ?? "(no Message-ID)")} from {Short(message.From.Mailboxes.FirstOrDefault()?.Address ?? "(nobody)")}";

    private static string Short(string? s)
    {
        s = (s ?? "").ReplaceLineEndings(" ");
        return s.Length > 80 ? s[..80] + "…" : s;
    }

    private static string FirstLine(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? s;

    /// <summary>Who gets the document how: fax recipients for the post office, contacts for serial letters by mail.</summary>
    private sealed class Plan
    {
        public List<RecipientSpec> Fax { get; } = [];

        public List<Contact> Mail { get; } = [];

        /// <summary>Members of a distribution list get a serial letter by mail when they have an address (seed 001);
        /// a contact named on its own gets a fax, or a mail when it has no fax number.</summary>
        public void AddContact(Contact contact, bool preferMail)
        {
            bool mailable = contact.Email is { Length: > 0 } && MailboxAddress.TryParse(contact.Email, out _);
            if (mailable && (preferMail || contact.FaxNumber is null))
            {
                if (Mail.All(c => c.Id != contact.Id))
                {
                    Mail.Add(contact);
                }
            }
            else if (contact.FaxNumber is not null)
            {
                Fax.Add(new RecipientSpec(ContactId: contact.Id));
            }
        }
    }

    [LoggerMessage(EventId = 6301, Level = LogLevel.Warning, Message = "Mail-to-fax refused {Mail}: {Reason}")]
    private partial void LogRefused(string mail, string reason);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Information, Message = "Mail-to-fax discarded {Mail} without reply: {Reason}")]
    private partial void LogDiscarded(string mail, string reason);

    [LoggerMessage(EventId = 6303, Level = LogLevel.Warning, Message = "Mail-to-fax from unknown or inactive sender {Address} ({Mail})")]
    private partial void LogUnknownSender(string address, string mail);

    [LoggerMessage(EventId = 6304, Level = LogLevel.Warning, Message = "Mail-to-fax from {Login}: missing or wrong PIN")]
    private partial void LogBadPin(string login);

    [LoggerMessage(EventId = 6305, Level = LogLevel.Information, Message = "Mail-to-fax from {Login}: {Faxes} fax job(s), {Mails} serial letter mail(s), {Group}")]
    private partial void LogSubmitted(string login, int faxes, int mails, string group);

    [LoggerMessage(EventId = 6306, Level = LogLevel.Information, Message = "Mail-to-fax from {Login} refused by the post office: {Reason}")]
    private partial void LogRefusedByPostOffice(string login, string reason);

    [LoggerMessage(EventId = 6308, Level = LogLevel.Warning, Message = "Mail-to-fax from {Address} not confirmed by our mail server: {Reason}")]
    private partial void LogUnverifiedSender(string address, string reason);

    [LoggerMessage(EventId = 6309, Level = LogLevel.Warning, Message = "Mail-to-fax from {Login}: finishing group {Group}, stored before a restart")]
    private partial void LogRecovered(string login, long group);

    [LoggerMessage(EventId = 6307, Level = LogLevel.Error, Message = "Mail-to-fax crashed on {Mail}")]
    private partial void LogCrashed(Exception e, string mail);
}
