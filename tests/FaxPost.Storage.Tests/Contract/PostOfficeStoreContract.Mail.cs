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
    public async Task Upgrading_moves_message_records_out_of_the_settings()
    {
        // Back to the first schema by hand (as a database written before the mail tables existed).
        var store = OpenTracked();
        await using (var connection = await store.Dialect.OpenAsync(Ct))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "DROP TABLE mail_queue; DROP TABLE mail_messages; DELETE FROM schema_version WHERE version > 1";
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
