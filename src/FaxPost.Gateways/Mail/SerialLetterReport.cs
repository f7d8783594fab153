using System.Text.Json;
using FaxPost.Core.Jobs;
using FaxPost.Core.Storage;
using MimeKit;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// The final report of a serial letter (seed 001: "the job report lists each recipient's channel and
/// result"): once every fax and every mail of the letter is finished, the sender gets one mail listing
/// every recipient with channel and result (a mail's result is what the outbox recorded for it in the
/// ledger). A letter with faxes lives in the mail message ledger under <c>mail.serial.&lt;group&gt;</c>:
/// "letter|" from the moment its faxes are stored (so they get no per-job notices), "open|..." once its
/// mails are queued, "done|reported" after the report. A letter without faxes is opened under
/// <c>mail.serial.m&lt;message&gt;</c> and reported only when one of its mails failed for good (the first
/// reply already said the rest went out); when all are sent it ends as "done|sent" without a report. The
/// report is queued in the same transaction that moves the record from open to done, so of several nodes
/// (or events: the last fax, the last mail) finishing the letter at once exactly one sends it.
/// </summary>
public sealed class SerialLetterReport(IPostOfficeStore store, MailComposer composer, MailGatewayOptions options, TimeProvider time)
{
    private const string Marked = "letter|";
    private const string Open = "open|";
    private const string Prefix = "mail.serial.";
    private const string MailInfix = ".mail.";

    /// <summary>Marks group <paramref name="groupId"/> as a serial letter's faxes (before any of its job events).</summary>
    public Task MarkAsync(long groupId, CancellationToken ct) =>
        store.Mail.SetMessageAsync(Key(groupId), Marked, time.GetUtcNow(), ct);

    /// <summary>True when <paramref name="groupId"/> holds a serial letter's faxes: the letter's report covers them.</summary>
    public async Task<bool> IsSerialLetterAsync(long groupId, CancellationToken ct) =>
        await store.Mail.GetMessageAsync(Key(groupId), ct).ConfigureAwait(false) is not null;

    /// <summary>The letter's ledger key: by its fax group, or (no faxes) by the mail-to-fax message it came from.</summary>
    public static string LetterKey(long? groupId, string messageKey) =>
        groupId is { } group ? Key(group) : Prefix + "m" + messageKey.Replace("mail.msg.", "", StringComparison.Ordinal);

    /// <summary>Where the outbox records the outcome of the letter's <paramref name="index"/>-th mail (and finds the letter again).</summary>
    public static string MailLedgerKey(string letterKey, int index) =>
        letterKey + MailInfix + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The ledger record that opens the letter; stored together with its mails (<see cref="IMailStore.TransitionMessageAsync"/>).</summary>
    public MailMessageRecord OpenRecord(string letterKey, string to, string subject, IReadOnlyList<LetterMail> mails) =>
        new(letterKey, Open + JsonSerializer.Serialize(new Letter(to, subject, null, [.. mails])), time.GetUtcNow());

    /// <summary>Sends the report when <paramref name="job"/> was the last unfinished part of a serial letter; true when this call queued it.</summary>
    public async Task<bool> JobChangedAsync(FaxJob job, CancellationToken ct)
    {
        var record = await store.Mail.GetMessageAsync(Key(job.GroupId), ct).ConfigureAwait(false);
        if (record is null || !record.State.StartsWith(Open, StringComparison.Ordinal))
        {
            return false;
        }

        if (!job.State.IsFinal())
        {
            var now = time.GetUtcNow();
            if (now - record.SeenAt > options.MessageRecordRetention / 4)
            {
                await store.Mail.SetMessageAsync(record.Key, record.State, now, ct).ConfigureAwait(false); // still running: keep it from expiring
            }

            return false;
        }

        return await TryReportAsync(job.GroupId, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The outbox finished a mail (sent, or given up) whose outcome went to <paramref name="ledgerKey"/>: when it was
    /// the last unfinished part of a serial letter, the report is queued; true when this call queued it.
    /// </summary>
    public Task<bool> LetterMailFinishedAsync(string ledgerKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ledgerKey);
        int at = ledgerKey.LastIndexOf(MailInfix, StringComparison.Ordinal);
        return at > Prefix.Length && ledgerKey.StartsWith(Prefix, StringComparison.Ordinal)
            ? TryReportAsync(ledgerKey[..at], ct)
            : Task.FromResult(false); // not a letter's mail (or one queued before letters were found from their mails)
    }

    /// <summary>Queues the report if every part of the letter is finished and nobody has reported it; true when this call did.</summary>
    public Task<bool> TryReportAsync(long groupId, CancellationToken ct) => TryReportAsync(Key(groupId), ct);

    private async Task<bool> TryReportAsync(string letterKey, CancellationToken ct)
    {
        var record = await store.Mail.GetMessageAsync(letterKey, ct).ConfigureAwait(false);
        if (record is null || !record.State.StartsWith(Open, StringComparison.Ordinal))
        {
            return false;
        }

        IReadOnlyList<FaxJob> jobs = [];
        if (long.TryParse(letterKey.AsSpan(Prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long groupId))
        {
            jobs = await store.Jobs.QueryAsync(new JobQuery(GroupId: groupId, Limit: 10_000), ct).ConfigureAwait(false);
            if (!jobs.All(j => j.State.IsFinal()))
            {
                return false;
            }
        }

        var letter = JsonSerializer.Deserialize<Letter>(record.State.AsSpan(Open.Length))!;
        var lines = new List<string>(letter.MailResults ?? []);
        bool failed = false;
        foreach (var mail in letter.Mails ?? [])
        {
            string? state = (await store.Mail.GetMessageAsync(mail.LedgerKey, ct).ConfigureAwait(false))?.State;
            bool finished = state is not null && (state == "sent" || state.StartsWith("failed|", StringComparison.Ordinal));
            if (!finished && mail.LedgerKey.StartsWith(letterKey + MailInfix, StringComparison.Ordinal))
            {
                return false; // the outbox is still at it; its outcome will finish the letter
            }

            failed |= state?.StartsWith("failed|", StringComparison.Ordinal) == true;
            lines.Add($"{mail.Line}: {Describe(state)}");
        }

        foreach (var fax in jobs.OrderBy(j => j.Id))
        {
            string why = fax.State != JobState.Done && fax.LastError is { Length: > 0 } error ? $" ({error})" : "";
            lines.Add($"{fax.RecipientName ?? fax.Destination}: by fax to {fax.DialNumber}: {fax.State.Describe()}{why}, {fax.PagesSent} of {fax.PageCount} page(s)");
        }

        var now = time.GetUtcNow();
        if (jobs.Count == 0 && !failed)
        {
            // Every mail went out, as the first reply said: nothing to report.
            await store.Mail.TransitionMessageAsync(new MessageTransition(record.Key, record.State, "done|sent", now, [], []), ct).ConfigureAwait(false);
            return false;
        }

        var message = composer.Notice(MailboxAddress.Parse(letter.To), "Serial letter finished: " + letter.Subject, "Your serial letter is finished:\n\n- " + string.Join("\n- ", lines) + "\n");
        var report = await MailOutbox.ToQueuedAsync(new OutgoingMail(message, $"serial letter report ({letterKey}) to {letter.To}", QueuedMailKind.Reply), now, ct).ConfigureAwait(false);
        return await store.Mail.TransitionMessageAsync(new MessageTransition(record.Key, record.State, "done|reported", now, [report], []), ct).ConfigureAwait(false); // false: another node or event reported it
    }

    private static string Describe(string? state) => state switch
    {
        "sent" => "sent",
        not null when state.StartsWith("failed|", StringComparison.Ordinal) => $"failed ({state["failed|".Length..]})",
        _ => "not sent yet (the mail server is being retried)",
    };

    private static string Key(long groupId) => Prefix + groupId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><paramref name="MailResults"/>: finished lines of letters opened before mails were queued with a ledger key.</summary>
    private sealed record Letter(string To, string Subject, List<string>? MailResults, List<LetterMail>? Mails);
}

/// <summary>A serial letter's mail: the report line's start ("Mia: by e-mail to mia@example.org") and where its outcome is recorded.</summary>
public sealed record LetterMail(string Line, string LedgerKey);
