using System.Text.Json;
using FaxPost.Core.Jobs;
using FaxPost.Core.Storage;
using MimeKit;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// The final report of a serial letter (seed 001: "the job report lists each recipient's channel and
/// result"): once the last of its faxes is finished, the sender gets one mail listing every recipient
/// with channel and result (a mail's result is what the outbox recorded for it in the ledger). The
/// letter lives in the mail message ledger under <c>mail.serial.&lt;group&gt;</c>: "letter|" from the
/// moment its faxes are stored (so they get no per-job notices), "open|..." once its mails are queued,
/// "done|reported" after the report. The report is queued in the same transaction that moves the record
/// from open to done, so of several nodes (or events) finishing the letter at once exactly one sends it.
/// </summary>
public sealed class SerialLetterReport(IPostOfficeStore store, MailComposer composer, MailOutbox outbox, MailGatewayOptions options, TimeProvider time)
{
    private const string Marked = "letter|";
    private const string Open = "open|";

    /// <summary>Marks group <paramref name="groupId"/> as a serial letter's faxes (before any of its job events).</summary>
    public Task MarkAsync(long groupId, CancellationToken ct) =>
        store.Mail.SetMessageAsync(Key(groupId), Marked, time.GetUtcNow(), ct);

    /// <summary>True when <paramref name="groupId"/> holds a serial letter's faxes: the letter's report covers them.</summary>
    public async Task<bool> IsSerialLetterAsync(long groupId, CancellationToken ct) =>
        await store.Mail.GetMessageAsync(Key(groupId), ct).ConfigureAwait(false) is not null;

    /// <summary>The ledger record that opens the letter; stored together with its mails (<see cref="IMailStore.TransitionMessageAsync"/>).</summary>
    public MailMessageRecord OpenRecord(long groupId, string to, string subject, IReadOnlyList<LetterMail> mails) =>
        new(Key(groupId), Open + JsonSerializer.Serialize(new Letter(to, subject, null, [.. mails])), time.GetUtcNow());

    /// <summary>Sends the report when <paramref name="job"/> was the last unfinished fax of a serial letter.</summary>
    public async Task JobChangedAsync(FaxJob job, CancellationToken ct)
    {
        var record = await store.Mail.GetMessageAsync(Key(job.GroupId), ct).ConfigureAwait(false);
        if (record is null || !record.State.StartsWith(Open, StringComparison.Ordinal))
        {
            return;
        }

        if (!job.State.IsFinal())
        {
            var now = time.GetUtcNow();
            if (now - record.SeenAt > options.MessageRecordRetention / 4)
            {
                await store.Mail.SetMessageAsync(record.Key, record.State, now, ct).ConfigureAwait(false); // still running: keep it from expiring
            }

            return;
        }

        await TryReportAsync(job.GroupId, ct).ConfigureAwait(false);
    }

    /// <summary>Queues the report if every fax of the letter is finished and nobody has reported it; true when this call did.</summary>
    public async Task<bool> TryReportAsync(long groupId, CancellationToken ct)
    {
        var record = await store.Mail.GetMessageAsync(Key(groupId), ct).ConfigureAwait(false);
        if (record is null || !record.State.StartsWith(Open, StringComparison.Ordinal))
        {
            return false;
        }

        var jobs = await store.Jobs.QueryAsync(new JobQuery(GroupId: groupId, Limit: 10_000), ct).ConfigureAwait(false);
        if (!jobs.All(j => j.State.IsFinal()))
        {
            return false;
        }

        var letter = JsonSerializer.Deserialize<Letter>(record.State.AsSpan(Open.Length))!;
        var lines = new List<string>(letter.MailResults ?? []);
        foreach (var mail in letter.Mails ?? [])
        {
            lines.Add($"{mail.Line}: {await MailResultAsync(mail.LedgerKey, ct).ConfigureAwait(false)}");
        }

        foreach (var fax in jobs.OrderBy(j => j.Id))
        {
            string why = fax.State != JobState.Done && fax.LastError is { Length: > 0 } error ? $" ({error})" : "";
            lines.Add($"{fax.RecipientName ?? fax.Destination}: by fax to {fax.DialNumber}: {fax.State.Describe()}{why}, {fax.PagesSent} of {fax.PageCount} page(s)");
        }

        var message = composer.Notice(MailboxAddress.Parse(letter.To), "Serial letter finished: " + letter.Subject, "Your serial letter is finished:\n\n- " + string.Join("\n- ", lines) + "\n");
        var report = await outbox.ToQueuedAsync(new OutgoingMail(message, $"serial letter report for group {groupId} to {letter.To}", QueuedMailKind.Reply), ct).ConfigureAwait(false);
        if (!await store.Mail.TransitionMessageAsync(new MessageTransition(record.Key, record.State, "done|reported", time.GetUtcNow(), [report], []), ct).ConfigureAwait(false))
        {
            return false; // another node or event reported it
        }

        outbox.Wake();
        return true;
    }

    private async Task<string> MailResultAsync(string ledgerKey, CancellationToken ct)
    {
        string? state = (await store.Mail.GetMessageAsync(ledgerKey, ct).ConfigureAwait(false))?.State;
        return state switch
        {
            "sent" => "sent",
            not null when state.StartsWith("failed|", StringComparison.Ordinal) => $"failed ({state["failed|".Length..]})",
            _ => "not sent yet (the mail server is being retried)",
        };
    }

    private static string Key(long groupId) => $"mail.serial.{groupId}";

    /// <summary><paramref name="MailResults"/>: finished lines of letters opened before mails were queued with a ledger key.</summary>
    private sealed record Letter(string To, string Subject, List<string>? MailResults, List<LetterMail>? Mails);
}

/// <summary>A serial letter's mail: the report line's start ("Mia: by e-mail to mia@example.org") and where its outcome is recorded.</summary>
public sealed record LetterMail(string Line, string LedgerKey);
