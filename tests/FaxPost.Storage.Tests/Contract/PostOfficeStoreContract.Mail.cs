using System.Text;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Tests.Contract;

/// <summary>The mail gateway's outgoing queue and message ledger (issue 6), on both databases.</summary>
public abstract partial class PostOfficeStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static QueuedMail Mail(string what, DateTimeOffset next, QueuedMailKind kind = QueuedMailKind.JobNotice, long? faxId = null) => new()
    {
        Kind = kind,
        FaxId = faxId,
        What = what,
        Content = Encoding.ASCII.GetBytes($"Subject: {what}\r\n\r\nbody\r\n"),
        CreatedAt = T0,
        NextAttemptAt = next,
    };

    [Fact]
    public async Task Queued_mails_come_back_whole_when_due_earliest_first()
    {
        byte[] binary = [0, 1, 2, 255, 0x0D, 0x0A, 0x80];
        var later = Mail("later", T0.AddMinutes(5));
        var first = Mail("first", T0, QueuedMailKind.Fax, faxId: 42);
        first.Content = binary;
        var second = Mail("second", T0.AddSeconds(1));
        foreach (var m in new[] { later, first, second })
        {
            await Store.Mail.EnqueueAsync(m, Ct);
        }

        Assert.Equal(3, await Store.Mail.CountAsync(Ct));
        Assert.Equal(T0, await Store.Mail.NextDueAsync(Ct));
        var due = await Store.Mail.DueAsync(T0.AddMinutes(1), 10, Ct);
        Assert.Equal(["first", "second"], due.Select(m => m.What));
        var read = due[0];
        Assert.Equal(first.Id, read.Id);
        Assert.Equal(QueuedMailKind.Fax, read.Kind);
        Assert.Equal(42, read.FaxId);
        Assert.Equal(binary, read.Content);
        Assert.Equal(0, read.Tries);
        Assert.Equal(T0, read.CreatedAt);
        Assert.Null(read.LastError);
        Assert.Single(await Store.Mail.DueAsync(T0.AddMinutes(1), 1, Ct));
        Assert.Equal([42L], await Store.Mail.QueuedFaxIdsAsync(Ct));
    }

    [Fact]
    public async Task A_mail_is_leased_once_retried_later_and_removed()
    {
        var mail = Mail("notice", T0);
        await Store.Mail.EnqueueAsync(mail, Ct);

        // Two senders (nodes) see it due; only one gets it.
        Assert.True(await Store.Mail.TryLeaseAsync(mail.Id, T0, T0.AddMinutes(10), Ct));
        Assert.False(await Store.Mail.TryLeaseAsync(mail.Id, T0, T0.AddMinutes(10), Ct));
        Assert.Empty(await Store.Mail.DueAsync(T0.AddMinutes(9), 10, Ct));
        Assert.Single(await Store.Mail.DueAsync(T0.AddMinutes(10), 10, Ct)); // the sender died: due again after the lease

        await Store.Mail.RetryLaterAsync(mail.Id, 1, T0.AddMinutes(2), "451 try again later", Ct);
        var again = Assert.Single(await Store.Mail.DueAsync(T0.AddMinutes(2), 10, Ct));
        Assert.Equal(1, again.Tries);
        Assert.Equal("451 try again later", again.LastError);
        Assert.Equal(T0.AddMinutes(2), again.NextAttemptAt);

        Assert.True(await Store.Mail.RemoveAsync(mail.Id, Ct));
        Assert.False(await Store.Mail.RemoveAsync(mail.Id, Ct));
        Assert.Equal(0, await Store.Mail.CountAsync(Ct));
        Assert.Null(await Store.Mail.NextDueAsync(Ct));
    }

    [Fact]
    public async Task Message_records_are_overwritten_and_forgotten_when_not_seen_since_the_cutoff()
    {
        Assert.Null(await Store.Mail.GetMessageAsync("mail.msg.a", Ct));
        await Store.Mail.SetMessageAsync("mail.msg.a", "claim|1", T0, Ct);
        await Store.Mail.SetMessageAsync("mail.msg.a", "done|group 7", T0.AddDays(1), Ct);
        await Store.Mail.SetMessageAsync("mail.msg.b", "done|refused", T0, Ct);

        var a = await Store.Mail.GetMessageAsync("mail.msg.a", Ct);
        Assert.Equal(new MailMessageRecord("mail.msg.a", "done|group 7", T0.AddDays(1)), a);

        Assert.Equal(1, await Store.Mail.ForgetMessagesAsync(T0.AddHours(1), Ct));
        Assert.Null(await Store.Mail.GetMessageAsync("mail.msg.b", Ct));
        Assert.NotNull(await Store.Mail.GetMessageAsync("mail.msg.a", Ct));
        Assert.Equal(0, await Store.Mail.ForgetMessagesAsync(T0.AddHours(1), Ct));
    }

    [Fact]
    public async Task A_sent_mail_stays_leased_with_its_time_and_records_its_outcome_in_the_ledger()
    {
        var letter = Mail("serial letter", T0, QueuedMailKind.SerialLetter);
        letter.LedgerKey = "mail.letter.x.0";
        var notice = Mail("notice", T0);
        await Store.Mail.EnqueueAsync(letter, Ct);
        await Store.Mail.EnqueueAsync(notice, Ct);
        Assert.True(await Store.Mail.TryLeaseAsync(letter.Id, T0, T0.AddMinutes(10), Ct));
        Assert.True(await Store.Mail.TryLeaseAsync(notice.Id, T0, T0.AddMinutes(10), Ct));

        await Store.Mail.MarkSentAsync(letter.Id, T0.AddSeconds(3), Ct);
        await Store.Mail.MarkSentAsync(notice.Id, T0.AddSeconds(4), Ct);

        Assert.Empty(await Store.Mail.DueAsync(T0.AddMinutes(9), 10, Ct)); // still leased: nobody sends it again
        var rows = await Store.Mail.DueAsync(T0.AddMinutes(10), 10, Ct); // a node that died after acceptance: its follow-up is left
        var read = Assert.Single(rows, m => m.Id == letter.Id);
        Assert.Equal(T0.AddSeconds(3), read.SentAt);
        Assert.Equal("mail.letter.x.0", read.LedgerKey);
        Assert.Null(Assert.Single(rows, m => m.Id == notice.Id).LedgerKey);
        Assert.Equal(new MailMessageRecord("mail.letter.x.0", "sent", T0.AddSeconds(3)), await Store.Mail.GetMessageAsync("mail.letter.x.0", Ct));
    }

    [Fact]
    public async Task A_message_transition_happens_once_and_a_refused_one_writes_nothing()
    {
        // Absent -> claimed: an atomic insert.
        var first = new MessageTransition("mail.serial.7", null, "letter|", T0, [Mail("never", T0)], []);
        Assert.True(await Store.Mail.TransitionMessageAsync(first with { Mails = [] }, Ct));
        Assert.False(await Store.Mail.TransitionMessageAsync(first, Ct));
        Assert.Equal(0, await Store.Mail.CountAsync(Ct));

        // letter| -> open|...: mails and other records go with it.
        var letters = new[] { Mail("letter to a", T0, QueuedMailKind.SerialLetter), Mail("reply", T0, QueuedMailKind.Reply) };
        letters[0].LedgerKey = "mail.letter.7.0";
        var open = new MessageTransition("mail.serial.7", "letter|", "open|{}", T0.AddSeconds(1), letters, [new MailMessageRecord("mail.msg.m", "done|group 7", T0.AddSeconds(1))]);
        Assert.True(await Store.Mail.TransitionMessageAsync(open, Ct));
        Assert.Equal(2, await Store.Mail.CountAsync(Ct));
        Assert.Equal("done|group 7", (await Store.Mail.GetMessageAsync("mail.msg.m", Ct))?.State);
        Assert.Equal(new MailMessageRecord("mail.serial.7", "open|{}", T0.AddSeconds(1)), await Store.Mail.GetMessageAsync("mail.serial.7", Ct));
        var stored = await Store.Mail.DueAsync(T0, 10, Ct);
        Assert.Equal("mail.letter.7.0", Assert.Single(stored, m => m.What == "letter to a").LedgerKey);

        // The same step again (a late event, a restart) is refused and stores nothing.
        Assert.False(await Store.Mail.TransitionMessageAsync(open with { Records = [new MailMessageRecord("mail.msg.m", "overwritten", T0)] }, Ct));
        Assert.Equal(2, await Store.Mail.CountAsync(Ct));
        Assert.Equal("done|group 7", (await Store.Mail.GetMessageAsync("mail.msg.m", Ct))?.State);
    }

    [Fact]
    public async Task Of_many_nodes_racing_for_one_report_exactly_one_queues_it()
    {
        await Store.Mail.SetMessageAsync("mail.serial.9", "open|{}", T0, Ct);
        var nodes = Enumerable.Range(0, 6).Select(_ => OpenTracked()).ToList(); // separate connections, as nodes have
        var start = new TaskCompletionSource();
        var races = nodes.Select(async (node, i) =>
        {
            await start.Task;
            return await node.Mail.TransitionMessageAsync(new MessageTransition("mail.serial.9", "open|{}", "done|reported", T0.AddMinutes(1), [Mail("report by node " + i, T0)], []), Ct);
        }).ToList();
        start.SetResult();
        bool[] won = await Task.WhenAll(races);

        Assert.Single(won, w => w);
        var report = Assert.Single(await Store.Mail.DueAsync(T0, 10, Ct));
        Assert.Equal("report by node " + Array.IndexOf(won, true), report.What);
        Assert.Equal("done|reported", (await Store.Mail.GetMessageAsync("mail.serial.9", Ct))?.State);
    }

    [Fact]
    public async Task Upgrading_moves_message_records_out_of_the_settings()
    {
        // Back to the first schema by hand (as a database written before the mail tables existed).
        var store = OpenTracked();
        await using (var connection = await store.Dialect.OpenAsync(Ct))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = PostOfficeStoreContract.UndoLogSearch + "; DROP TABLE mail_queue; DROP TABLE mail_messages; DELETE FROM schema_version WHERE version > 1";
            await cmd.ExecuteNonQueryAsync(Ct);
        }

        await Store.Settings.SetAsync("mail.msg.0123", "done|group 3", Ct);
        await Store.Settings.SetAsync("retention.days", "30", Ct);

        Assert.Equal(Latest, await store.MigrateAsync(Ct));

        Assert.Equal("done|group 3", (await store.Mail.GetMessageAsync("mail.msg.0123", Ct))?.State);
        Assert.Null(await store.Settings.GetAsync("mail.msg.0123", Ct));
        Assert.Equal("30", await store.Settings.GetAsync("retention.days", Ct));
    }
}
