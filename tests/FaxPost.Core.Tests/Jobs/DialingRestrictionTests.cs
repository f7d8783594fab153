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

    [Theory]
    [InlineData("00 44 20 7946 0000", false, "may fax only national numbers")]
    [InlineData("+33 1 2345 6789", false, "may fax only national numbers")]
    [InlineData("0180 123456", false, "+49180")]
    [InlineData("030 1234567", true, null)]
    [InlineData("+49 89 7654321", true, null)]
    [InlineData("7654321", true, null)]
    public async Task A_national_only_team_may_fax_national_numbers_but_not_abroad(string number, bool allowed, string? reason)
    {
        await using var office = await PostOffice.StartAsync(Restrict);
        var intern = await InternAsync(office, "ida", "11");

        var policy = office.Get<Core.Numbering.DialingPolicy>();
        string e164 = office.Get<Core.Numbering.OrganisationNumbering>().Parse(number).E164!;
        string? refusal = await policy.RefusalAsync(intern, e164, CancellationToken.None);
        if (allowed)
        {
            Assert.True(refusal is null, $"{e164}: {refusal}");
        }
        else
        {
            Assert.Contains(reason!, refusal, StringComparison.Ordinal);
            Assert.Contains("Interns", refusal, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_national_only_rule_holds_at_the_door_for_the_team_and_not_for_others()
    {
        await using var office = await PostOffice.StartAsync(Restrict);
        office.RunConversion();
        var intern = await InternAsync(office, "ida", "11");
        var colleague = await office.UserAsync("carl", "12");

        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => SubmitAsync(office, intern, "00 44 20 7946 0000"));
        Assert.Contains("only national numbers", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await office.Store.Jobs.QueryAsync(new Core.Storage.JobQuery(), CancellationToken.None));

        var national = Assert.Single(await SubmitAsync(office, intern, "030 1234567"));
        Assert.Equal("+49301234567", national.DialNumber);
        Assert.Equal(JobState.Queued, national.State);

        var abroad = Assert.Single(await SubmitAsync(office, colleague, "00 44 20 7946 0000"));
        Assert.Equal("+442079460000", abroad.DialNumber);
    }

    private static async Task<Principal> InternAsync(PostOffice office, string login, string extension)
    {
        var user = await office.UserAsync(login, extension);
        await office.Get<AccountService>().CreateTeamAsync(Principal.System, "Interns", null, null, null, [user.UserId], CancellationToken.None);
        return (await office.Get<AccountService>().PrincipalForAsync(user.UserId, "test", CancellationToken.None))!;
    }
}
