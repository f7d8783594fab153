using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>
/// Two nodes (two post offices on one database, each with its own mail gateway and node name) fetch the same
/// Dovecot mailbox at the same moment: the message claim lets exactly one of them handle each mail.
/// </summary>
[Collection("mail servers")]
public sealed class TwoNodeFetchTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    public async Task InitializeAsync()
    {
        MailServers.EnsureRunning();
        await MailServers.EmptyInboxAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TwoNodesFetchingOneMailboxAtOnceMakeExactlyOneFaxJobPerMail()
    {
        var optionsA = MailPostOffice.ServerOptions();
        optionsA.NodeName = "node-a";
        await using var a = await MailPostOffice.StartAsync(optionsA);
        var optionsB = MailPostOffice.ServerOptions();
        optionsB.NodeName = "node-b";
        await using var b = await MailPostOffice.StartAsync(optionsB, directory: a.Directory);
        b.KeepDirectory = true; // node a removes the shared directory

        var alice = await a.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        string stranger = MailPostOffice.Address("stranger");
        const int Faxes = 8;
        var keys = new List<string>();
        for (int i = 0; i < Faxes; i++)
        {
            var mail = MailEndToEndTests.FaxMail(alice.Email!, $"00301234{i:D2}", ($"offer{i}.pdf", MailEndToEndTests.TwoPagePdf()));
            keys.Add(MailToFaxProcessor.KeyOf(mail.Headers));
            await MailServers.AppendAsync(mail);
        }

        var refused = MailEndToEndTests.FaxMail(stranger, "0030123456", ("offer.pdf", MailEndToEndTests.TwoPagePdf()));
        await MailServers.AppendAsync(refused);

        // Both nodes fetch at once, each on its own IMAP connection, until the mailbox is empty; a node that loses a
        // claim leaves the message for a later round (the winner removes it).
        for (int round = 0; round < 20 && (await MailServers.InboxAsync(MailFetcher.DoneKeyword)).Count > 0; round++)
        {
            var start = new TaskCompletionSource();
            var fetches = new[] { a, b }.Select(async node =>
            {
                await start.Task;
                return await node.Get<MailFetcher>().FetchOnceAsync(Ct);
            }).ToList();
            start.SetResult();
            await Task.WhenAll(fetches);
        }

        Assert.Equal(0, (await MailServers.InboxAsync(MailFetcher.DoneKeyword)).Count);
        var jobs = await a.JobsOfAsync(alice);
        Assert.Equal(Faxes, jobs.Count);
        Assert.Equal(Faxes, jobs.Select(j => j.GroupId).Distinct().Count());
        Assert.Equal(Faxes, jobs.Select(j => j.DialNumber).Distinct().Count()); // one job for each mail, none for two
        foreach (string key in keys)
        {
            var record = await a.Store.Mail.GetMessageAsync(key, Ct);
            Assert.StartsWith("done|group ", record?.State, StringComparison.Ordinal);
        }

        // The refusal, too, is answered by one node only.
        await MailServers.WaitForMailAsync(stranger, what: "refusal");
        await MailPostOffice.WaitForAsync(() => a.Get<MailOutbox>().PendingAsync(Ct), n => n == 0, "both outboxes empty");
        Assert.Single(MailServers.Received(stranger));
        Assert.Equal("done|refused", (await a.Store.Mail.GetMessageAsync(MailToFaxProcessor.KeyOf(refused.Headers), Ct))?.State);
    }
}
