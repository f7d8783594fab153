using FaxPost.Core.Accounts;
using FaxPost.Core.Configuration;
using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Core.Tests.Fixtures;

namespace FaxPost.Core.Tests.Jobs;

/// <summary>Outbound number restrictions (premium rate for everyone, national only for a team) at the post office's door.</summary>
public sealed class DialingRestrictionTests
{
    private static void Restrict(FaxPostOptions o)
    {
        o.Dialing.BlockedPrefixes.Add("+49900");
        o.Dialing.TeamRules.Add(new TeamDialingRule { Team = "Interns", NationalOnly = true, BlockedPrefixes = ["+49180"] });
    }

    private static Task<IReadOnlyList<FaxJob>> SubmitAsync(PostOffice office, Principal by, string number) =>
        office.Get<JobService>().SubmitAsync(by, new SubmitRequest
        {
            Recipients = [new RecipientSpec(number)],
            Documents = [new UploadedDocument("note.txt", new MemoryStream("Hello"u8.ToArray()))],
        }, CancellationToken.None);

    [Theory]
    [InlineData("0900 1234567", "+49900")]
    [InlineData("+49 900 1234567", "+49900")]
    public async Task Blocked_prefixes_are_refused_for_everyone_and_nothing_is_stored(string number, string prefix)
    {
        await using var office = await PostOffice.StartAsync(Restrict);
        var admin = await office.UserAsync("boss", "10", Role.Administrator);

        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => SubmitAsync(office, admin, number));

        Assert.Contains(prefix, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await office.Store.Jobs.QueryAsync(new Core.Storage.JobQuery(), CancellationToken.None));
    }
}
