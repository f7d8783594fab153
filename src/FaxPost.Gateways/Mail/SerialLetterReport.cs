using System.Text.Json;
using FaxPost.Core.Jobs;
using FaxPost.Core.Storage;
using MimeKit;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// The final report of a serial letter (seed 001: "the job report lists each recipient's channel and
/// result"): mail results are known when the letter goes out; once the last of its faxes is finished,
/// the sender gets one mail listing every recipient with channel and result. The open letter is kept
/// in the mail message ledger (so it survives a restart and expires like the other records).
/// </summary>
public sealed class SerialLetterReport(IPostOfficeStore store, MailComposer composer, MailOutbox outbox, MailGatewayOptions options, TimeProvider time)
{
    private const string Open = "open|";
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Remembers a serial letter whose faxes (group <paramref name="groupId"/>) are still to finish.</summary>
    public Task StartAsync(long groupId, string to, string subject, IReadOnlyList<string> mailResults, CancellationToken ct) =>
        store.Mail.SetMessageAsync(Key(groupId), Open + JsonSerializer.Serialize(new Letter(to, subject, [.. mailResults])), time.GetUtcNow(), ct);

    /// <summary>Sends the report when <paramref name="job"/> was the last unfinished fax of a serial letter.</summary>
    public async Task JobChangedAsync(FaxJob job, CancellationToken ct)
    {
        var record = await store.Mail.GetMessageAsync(Key(job.GroupId), ct).ConfigureAwait(false);
        if (record is null || !record.State.StartsWith(Open, StringComparison.Ordinal))
        {
            return;
        }

        var now = time.GetUtcNow();
        if (!job.State.IsFinal())
        {
            if (now - record.SeenAt > options.MessageRecordRetention / 4)
            {
                await store.Mail.SetMessageAsync(record.Key, record.State, now, ct).ConfigureAwait(false); // still running: keep it from expiring
            }

            return;
        }

        // One report even when two faxes finish at once (on this node).
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            record = await store.Mail.GetMessageAsync(Key(job.GroupId), ct).ConfigureAwait(false);
            var jobs = await store.Jobs.QueryAsync(new JobQuery(GroupId: job.GroupId, Limit: 10_000), ct).ConfigureAwait(false);
            if (record is null || !record.State.StartsWith(Open, StringComparison.Ordinal) || !jobs.All(j => j.State.IsFinal()))
            {
                return;
            }

            var letter = JsonSerializer.Deserialize<Letter>(record.State.AsSpan(Open.Length))!;
            var lines = new List<string>(letter.MailResults);
            foreach (var fax in jobs.OrderBy(j => j.Id))
            {
                string why = fax.State != JobState.Done && fax.LastError is { Length: > 0 } error ? $" ({error})" : "";
                lines.Add($"{fax.RecipientName ?? fax.Destination}: by fax to {fax.DialNumber}: {fax.State.Describe()}{why}, {fax.PagesSent} of {fax.PageCount} page(s)");
            }

            var mail = composer.Notice(MailboxAddress.Parse(letter.To), "Serial letter finished: " + letter.Subject, "Your serial letter is finished:\n\n- " + string.Join("\n- ", lines) + "\n");
            await outbox.EnqueueAsync(new OutgoingMail(mail, $"serial letter report for group {job.GroupId} to {letter.To}", QueuedMailKind.Reply), ct).ConfigureAwait(false);
            await store.Mail.SetMessageAsync(record.Key, "done|reported", now, ct).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    private static string Key(long groupId) => $"mail.serial.{groupId}";

    private sealed record Letter(string To, string Subject, List<string> MailResults);
}
