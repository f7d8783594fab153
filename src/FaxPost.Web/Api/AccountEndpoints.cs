using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaxPost.Web.Api;

/// <summary>Who am I, my tokens and password; users, teams, mailboxes and grants (administration).</summary>
internal static class AccountEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Me");
        me.MapGet("/", MeAsync).WithName("WhoAmI").WithSummary("The caller: roles, teams and the mailboxes with the caller's rights on each.");
        me.MapPost("/password", async (PasswordJson body, Principal by, AccountService accounts, CancellationToken ct) =>
        {
            await accounts.SetPasswordAsync(by, by.UserId, body.Current, body.New ?? "", ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithName("ChangePassword");
        me.MapGet("/tokens", async (Principal by, AccountService accounts, CancellationToken ct) =>
            (await accounts.TokensAsync(by, ct).ConfigureAwait(false)).Select(TokenView.Of).ToList()).WithName("ListTokens");
        me.MapPost("/tokens", CreateTokenAsync).WithName("CreateToken").WithSummary("Creates an API token; the secret is in this answer only.");
        me.MapDelete("/tokens/{id:long}", async (long id, Principal by, AccountService accounts, CancellationToken ct) =>
        {
            await accounts.RevokeTokenAsync(by, id, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithName("RevokeToken");

        var users = api.MapGroup("/users").WithTags("Administration");
        users.MapGet("/", async (Principal by, AccountService accounts, CancellationToken ct) =>
            (await accounts.UsersAsync(by, ct).ConfigureAwait(false)).Select(UserView.Of).ToList()).WithName("ListUsers");
        users.MapPost("/", async (NewUserJson body, Principal by, AccountService accounts, CancellationToken ct) =>
        {
            var user = await accounts.CreateUserAsync(by, new NewUser(body.Login ?? "", body.DisplayName ?? "", body.Email, body.Password, Names.ParseRoles(body.Roles ?? []), body.Extension, body.OutgoingFaxId), ct).ConfigureAwait(false);
            return Results.Created($"/api/v1/users/{user.Id}", UserView.Of(user));
        }).WithName("CreateUser");
        users.MapPatch("/{id:long}", async (long id, UserChangesJson body, Principal by, AccountService accounts, CancellationToken ct) =>
            UserView.Of(await accounts.UpdateUserAsync(by, id, body.DisplayName, body.Email, body.Roles is null ? null : Names.ParseRoles(body.Roles), body.Active, ct).ConfigureAwait(false))).WithName("UpdateUser");
        users.MapPost("/{id:long}/password", async (long id, PasswordJson body, Principal by, AccountService accounts, CancellationToken ct) =>
        {
            await accounts.SetPasswordAsync(by, id, body.Current, body.New ?? "", ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithName("ResetPassword");

        var teams = api.MapGroup("/teams").WithTags("Administration");
        teams.MapGet("/", TeamsAsync).WithName("ListTeams");
        teams.MapPost("/", async (NewTeamJson body, Principal by, AccountService accounts, IPostOfficeStore store, CancellationToken ct) =>
        {
            var team = await accounts.CreateTeamAsync(by, body.Name ?? "", body.Email, body.Extension, body.OutgoingFaxId, body.Members ?? [], ct).ConfigureAwait(false);
            return Results.Created($"/api/v1/teams/{team.Id}", new TeamView(team.Id, team.Name, team.Email, await store.Teams.MembersAsync(team.Id, ct).ConfigureAwait(false), team.CreatedAt));
        }).WithName("CreateTeam");
        teams.MapPut("/{id:long}/members", async (long id, MembersJson body, Principal by, AccountService accounts, CancellationToken ct) =>
        {
            await accounts.SetTeamMembersAsync(by, id, body.Members ?? [], ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithName("SetTeamMembers");
        teams.MapPatch("/{id:long}", async (long id, TeamChangesJson body, Principal by, AccountService accounts, IPostOfficeStore store, CancellationToken ct) =>
        {
            var team = await accounts.RenameTeamAsync(by, id, body.Name ?? "", ct).ConfigureAwait(false);
            return new TeamView(team.Id, team.Name, team.Email, await store.Teams.MembersAsync(team.Id, ct).ConfigureAwait(false), team.CreatedAt);
        }).WithName("RenameTeam").WithSummary("Renames a team and its team mailbox.");
        teams.MapDelete("/{id:long}", async (long id, Principal by, AccountService accounts, CancellationToken ct) =>
        {
            await accounts.DeleteTeamAsync(by, id, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithName("DeleteTeam").WithSummary("Deletes a team with its mailbox; 409 naming what still depends on it (members, faxes, jobs being sent, routing rules).");

        var mailboxes = api.MapGroup("/mailboxes").WithTags("Administration");
        mailboxes.MapGet("/", async (Principal by, IPostOfficeStore store, CancellationToken ct) =>
        {
            AuthorizationService.DemandPostOffice(by);
            return (await store.Mailboxes.ListAsync(ct).ConfigureAwait(false)).Select(MailboxView.Of).ToList();
        }).WithName("ListMailboxes");
        mailboxes.MapPatch("/{id:long}", async (long id, MailboxChangesJson body, Principal by, AccountService accounts, CancellationToken ct) =>
        {
            if (body.DefaultRetention == true && body.RetentionDays is not null)
            {
                throw new ValidationException("Give retentionDays or defaultRetention, not both.");
            }

            var mailbox = await accounts.UpdateMailboxAsync(by, id, body.Extension, body.Email, body.OutgoingFaxId, body.RetentionDays, body.MailPages, ct).ConfigureAwait(false);
            return MailboxView.Of(body.DefaultRetention == true ? await accounts.UseDefaultRetentionAsync(by, id, ct).ConfigureAwait(false) : mailbox);
        }).WithName("UpdateMailbox").WithSummary("Changes a mailbox's settings; \"defaultRetention\": true drops its own retention period.");
        mailboxes.MapGet("/{id:long}/grants", async (long id, Principal by, IPostOfficeStore store, CancellationToken ct) =>
        {
            AuthorizationService.DemandAdministrator(by);
            _ = await store.Mailboxes.GetAsync(id, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no mailbox {id}.");
            return (await store.Grants.ForMailboxAsync(id, ct).ConfigureAwait(false)).Select(GrantView.Of).ToList();
        }).WithName("ListGrants");
        mailboxes.MapPut("/{id:long}/grants", async (long id, GrantJson body, Principal by, AccountService accounts, CancellationToken ct) =>
        {
            var kind = body.GranteeKind ?? throw new ValidationException("granteeKind is user or team.");
            await accounts.SetGrantAsync(by, id, kind, body.GranteeId, Names.ParseRights(body.Rights), ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithName("SetGrant").WithSummary("Sets the rights of one user or team on the mailbox (an empty list removes the grant).");
    }

    public sealed record PasswordJson(string? Current, string? New);

    public sealed record NewTokenJson(string? Name, int? Days);

    public sealed record NewUserJson(string? Login, string? DisplayName, string? Email, string? Password, IReadOnlyList<string>? Roles, string? Extension, string? OutgoingFaxId);

    public sealed record UserChangesJson(string? DisplayName, string? Email, IReadOnlyList<string>? Roles, bool? Active);

    public sealed record NewTeamJson(string? Name, string? Email, string? Extension, string? OutgoingFaxId, IReadOnlyList<long>? Members);

    public sealed record MembersJson(IReadOnlyList<long>? Members);

    public sealed record TeamChangesJson(string? Name);

    public sealed record MailboxChangesJson(string? Extension, string? Email, string? OutgoingFaxId, int? RetentionDays, bool? MailPages, bool? DefaultRetention = null);

    public sealed record GrantJson(GranteeKind? GranteeKind, long GranteeId, IReadOnlyList<string>? Rights);

    private static async Task<IResult> CreateTokenAsync(NewTokenJson body, Principal by, AccountService accounts, CancellationToken ct)
    {
        if (body.Days is < 1 or > 3650)
        {
            throw new ValidationException("A token lives 1 to 3650 days (or leave days out for no expiry).");
        }

        var (token, secret) = await accounts.CreateTokenAsync(by, body.Name ?? "", body.Days is { } d ? TimeSpan.FromDays(d) : null, ct).ConfigureAwait(false);
        return Results.Created($"/api/v1/me/tokens/{token.Id}", new NewTokenView(token.Id, token.Name, secret, token.CreatedAt, token.ExpiresAt));
    }

    private static async Task<MeView> MeAsync(Principal by, IPostOfficeStore store, AuthorizationService rights, CancellationToken ct)
    {
        var user = await store.Users.GetAsync(by.UserId, ct).ConfigureAwait(false) ?? throw new NotFoundException("Your account is gone.");
        var mine = new List<MyMailboxView>();
        foreach (var mailbox in await store.Mailboxes.ListAsync(ct).ConfigureAwait(false))
        {
            var granted = await rights.RightsOnAsync(by, mailbox.Id, ct).ConfigureAwait(false);
            if (granted != MailboxRights.None)
            {
                bool personal = mailbox.OwnerKind == MailboxOwnerKind.User && mailbox.OwnerId == by.UserId;
                mine.Add(new MyMailboxView(mailbox.Id, mailbox.Name, mailbox.OwnerKind, mailbox.Extension, personal, Names.Rights(granted)));
            }
        }

        return new MeView(user.Id, user.Login, user.DisplayName, user.Email, Names.Roles(by.Roles), by.TeamIds.ToList(), mine);
    }

    private static async Task<List<TeamView>> TeamsAsync(Principal by, IPostOfficeStore store, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(by);
        var result = new List<TeamView>();
        foreach (var team in await store.Teams.ListAsync(ct).ConfigureAwait(false))
        {
            result.Add(new TeamView(team.Id, team.Name, team.Email, await store.Teams.MembersAsync(team.Id, ct).ConfigureAwait(false), team.CreatedAt));
        }

        return result;
    }
}
