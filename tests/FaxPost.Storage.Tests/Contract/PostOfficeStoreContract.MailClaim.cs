using FaxPost.Core.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FaxPost.Storage.Tests.Contract;

/// <summary>Claims on mail-to-fax messages: one node of many wins, a lease keeps the others away until it ends (both databases).</summary>
public abstract partial class PostOfficeStoreContract
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    private static Task<MessageClaimResult> ClaimAsync(IPostOfficeStore store, string key, string node, TimeProvider time) =>
        store.Mail.ClaimMessageAsync(key, node, time.GetUtcNow(), time.GetUtcNow() + Lease, Ct);

    [Theory]
    [InlineData(false)] // a message nobody has seen: the insert races
    [InlineData(true)] // a claim whose owner crashed: the take-over races
    public async Task Of_many_nodes_claiming_one_message_at_once_exactly_one_wins(bool expired)
    {
        var time = new FakeTimeProvider(T0);
        if (expired)
        {
            Assert.True((await ClaimAsync(Store, "mail.msg.race", "crashed", time)).Won);
            time.Advance(Lease);
        }

        var nodes = Enumerable.Range(0, 8).Select(_ => OpenTracked()).ToList(); // separate connections, as nodes have
        var start = new TaskCompletionSource();
        var races = nodes.Select(async (node, i) =>
        {
            await start.Task;
            return await ClaimAsync(node, "mail.msg.race", "node" + i, time);
        }).ToList();
        start.SetResult();
        var results = await Task.WhenAll(races);

        var winner = Assert.Single(results, r => r.Won);
        string winnerNode = winner.Claim!.Node;
        Assert.Equal(winner.State, (await Store.Mail.GetMessageAsync("mail.msg.race", Ct))?.State);
        Assert.Equal(expired ? T0 : time.GetUtcNow(), winner.Claim.Since);
        Assert.Equal(expired ? "crashed" : null, winner.Previous?.Node);
        foreach (var loser in results.Where(r => !r.Won))
        {
            Assert.Equal(winnerNode, loser.Claim?.Node); // each loser learns who is at it, and leaves the message alone
            Assert.Null(loser.Previous);
        }
    }

    [Fact]
    public async Task A_claim_keeps_other_nodes_away_until_its_lease_ends_then_one_takes_it_over()
    {
        var time = new FakeTimeProvider(T0);
        var a = await ClaimAsync(Store, "mail.msg.lease", "a", time);
        Assert.True(a.Won);
        Assert.Null(a.Previous);
        Assert.Equal(new MessageClaim(T0, "a", T0 + Lease), a.Claim);

        time.Advance(Lease - TimeSpan.FromSeconds(1));
        var early = await ClaimAsync(Store, "mail.msg.lease", "b", time);
        Assert.False(early.Won);
        Assert.Equal(a.Claim, early.Claim);

        // The owner itself (restarted under its name) takes its claim over at once, with a fresh lease.
        var again = await ClaimAsync(Store, "mail.msg.lease", "a", time);
        Assert.True(again.Won);
        Assert.Equal(a.Claim, again.Previous);
        Assert.Equal(T0, again.Claim!.Since);

        // "a" crashed: once its lease has ended, "b" takes over and learns since when the message was claimed (to look for a submission).
        time.Advance(Lease);
        var b = await ClaimAsync(Store, "mail.msg.lease", "b", time);
        Assert.True(b.Won);
        Assert.Equal(again.Claim, b.Previous);
        Assert.Equal(new MessageClaim(T0, "b", time.GetUtcNow() + Lease), b.Claim);

        // "a" was only slow: its step from its claim to done finds the claim taken and writes nothing.
        Assert.False(await Store.Mail.TransitionMessageAsync(new MessageTransition("mail.msg.lease", again.State, "done|group 1", time.GetUtcNow(), [Mail("a's reply", T0)], []), Ct));
        Assert.True(await Store.Mail.TransitionMessageAsync(new MessageTransition("mail.msg.lease", b.State, "done|group 1", time.GetUtcNow(), [Mail("b's reply", T0)], []), Ct));
        Assert.Equal("b's reply", Assert.Single(await Store.Mail.DueAsync(T0, 10, Ct)).What);

        // Done is final: nobody claims it again, however late.
        time.Advance(Lease * 10);
        var done = await ClaimAsync(Store, "mail.msg.lease", "a", time);
        Assert.False(done.Won);
        Assert.Null(done.Claim);
        Assert.Equal("done|group 1", done.State);
    }

    [Fact]
    public async Task A_claim_written_before_leases_existed_is_taken_over_at_once()
    {
        var time = new FakeTimeProvider(T0.AddHours(1));
        await Store.Mail.SetMessageAsync("mail.msg.old", "claim|" + T0.UtcTicks, T0, Ct);
        await Store.Mail.SetMessageAsync("mail.msg.retry", "retry", T0, Ct);

        var old = await ClaimAsync(Store, "mail.msg.old", "a", time);
        Assert.True(old.Won);
        Assert.Equal(T0, old.Previous!.Since);
        Assert.Equal(T0, old.Claim!.Since);

        var retry = await ClaimAsync(Store, "mail.msg.retry", "a", time); // nothing was stored under a "retry": a fresh claim
        Assert.True(retry.Won);
        Assert.Null(retry.Previous);
        Assert.Equal(time.GetUtcNow(), retry.Claim!.Since);
        await Assert.ThrowsAsync<ArgumentException>(() => ClaimAsync(Store, "mail.msg.x", "a|b", time));
    }
}
