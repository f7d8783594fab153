using FaxPost.Core.Accounts;
using FaxPost.Core.Jobs;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Tests.Durability;

/// <summary>
/// The child process of <see cref="CrashTests"/>: submits jobs to a SQLite store as fast as it can and
/// prints "committed &lt;group&gt; &lt;n&gt;" after each submission returned, until it is killed.
/// </summary>
internal static class CrashWriter
{
    public const string Login = "crash-writer";

    public static async Task RunAsync(string dataDirectory)
    {
        var store = PostOfficeStoreFactory.Create("sqlite", null, dataDirectory);
        await store.MigrateAsync(CancellationToken.None);
        var user = await store.Users.FindByLoginAsync(Login, CancellationToken.None);
        long userId = user?.Id ?? await store.Users.SaveAsync(new User { Login = Login, DisplayName = "Crash writer", CreatedAt = DateTimeOffset.UtcNow }, CancellationToken.None);
        var box = new Mailbox { Name = "crash", OwnerKind = MailboxOwnerKind.User, OwnerId = userId, Extension = "900", CreatedAt = DateTimeOffset.UtcNow };
        long boxId = (await store.Mailboxes.FindByExtensionAsync("900", CancellationToken.None))?.Id ?? await store.Mailboxes.SaveAsync(box, CancellationToken.None);
        Console.Out.WriteLine("ready");

        for (int n = 0; ; n++)
        {
            var job = new FaxJob
            {
                MailboxId = boxId,
                SubmittedBy = userId,
                Destination = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                DialNumber = "+49" + n,
                State = JobState.Queued,
                CreatedAt = DateTimeOffset.UtcNow,
                UpdatedAt = DateTimeOffset.UtcNow,
            };
            var document = new JobDocument { FileName = $"doc{n}.pdf", StoredPath = $"outbound/doc{n}.pdf", Size = n };
            long group = await store.Jobs.CreateSubmissionAsync([document], [job], CancellationToken.None);
            // Only now is the write acknowledged: the parent treats every printed line as a promise.
            Console.Out.WriteLine($"committed {group} {n}");
        }
    }
}
