using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using Microsoft.Extensions.Logging;

namespace FaxPost.Core.Accounts;

public sealed record NewUser(
    string Login,
    string DisplayName,
    string? Email,
    string? Password,
    Role Roles = Role.None,
    string? Extension = null,
    string? OutgoingFaxId = null);

public enum LoginFailure
{
    None = 0,
    BadCredentials = 1,
    LockedOut = 2,
    Inactive = 3,
}

public readonly record struct LoginResult(Principal? Principal, LoginFailure Failure, DateTimeOffset? LockedUntil = null);

/// <summary>
/// Users, teams, mailboxes, grants and credentials: log-in with lock-out, API tokens, and the
/// administration the fax post office does (seed 000: setting up users, rights, resetting passwords).
/// </summary>
public sealed partial class AccountService(IPostOfficeStore store, TimeProvider time, int passwordIterations = PasswordHasher.DefaultIterations, ILogger<AccountService>? logger = null)
{
    public const int MaxFailedLogins = 5;
    public static readonly TimeSpan LockOut = TimeSpan.FromMinutes(15);

    public async Task<LoginResult> LogInAsync(string login, string password, string via, CancellationToken ct)
    {
        var user = await store.Users.FindByLoginAsync(login, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (user is null)
        {
            // Same work as a real check so timing does not reveal which logins exist.
            PasswordHasher.Verify(password, Dummy.Value);
            return new LoginResult(null, LoginFailure.BadCredentials);
        }

        if (user.LockedUntil is { } until && until > now)
        {
            return new LoginResult(null, LoginFailure.LockedOut, until);
        }

        if (!PasswordHasher.Verify(password, user.PasswordHash))
        {
            user.FailedLogins++;
            if (user.FailedLogins >= MaxFailedLogins)
            {
                user.LockedUntil = now + LockOut;
                user.FailedLogins = 0;
            }

            await store.Users.SaveAsync(user, ct).ConfigureAwait(false);
            return new LoginResult(null, user.LockedUntil > now ? LoginFailure.LockedOut : LoginFailure.BadCredentials, user.LockedUntil > now ? user.LockedUntil : null);
        }

        if (!user.Active)
        {
            return new LoginResult(null, LoginFailure.Inactive);
        }

        if (user.FailedLogins != 0 || user.LockedUntil is not null)
        {
            user.FailedLogins = 0;
            user.LockedUntil = null;
            await store.Users.SaveAsync(user, ct).ConfigureAwait(false);
        }

        return new LoginResult(await PrincipalOfAsync(user, via, ct).ConfigureAwait(false), LoginFailure.None);
    }

    public async Task<Principal?> AuthenticateTokenAsync(string secret, string via, CancellationToken ct)
    {
        if (!secret.StartsWith(ApiTokens.Prefix, StringComparison.Ordinal) || secret.Length > 100)
        {
            return null;
        }

        var token = await store.Users.FindTokenAsync(ApiTokens.HashOf(secret), ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (token is null || token.ExpiresAt <= now)
        {
            return null;
        }

        var user = await store.Users.GetAsync(token.UserId, ct).ConfigureAwait(false);
        if (user is null || !user.Active)
        {
            return null;
        }

        await store.Users.TouchTokenAsync(token.Id, now, ct).ConfigureAwait(false);
        return await PrincipalOfAsync(user, via, ct).ConfigureAwait(false);
    }

    /// <summary>Re-reads a user (cookie sessions: rights changes apply at the next request).</summary>
    public async Task<Principal?> PrincipalForAsync(long userId, string via, CancellationToken ct)
    {
        var user = await store.Users.GetAsync(userId, ct).ConfigureAwait(false);
        return user is { Active: true } ? await PrincipalOfAsync(user, via, ct).ConfigureAwait(false) : null;
    }

    private async Task<Principal> PrincipalOfAsync(User user, string via, CancellationToken ct)
    {
        var teams = await store.Users.TeamIdsAsync(user.Id, ct).ConfigureAwait(false);
        return new Principal(user.Id, user.Login, user.Roles, teams, via);
    }

    /// <summary>Creates the first administrator when there is no user yet; returns its password, or null if users exist.</summary>
    public async Task<string?> InitialiseAsync(string adminLogin, CancellationToken ct)
    {
        if ((await store.Users.ListAsync(ct).ConfigureAwait(false)).Count > 0)
        {
            return null;
        }

        string password = PasswordHasher.NewPassword();
        await CreateUserAsync(Principal.System, new NewUser(adminLogin, "Administrator", null, password, Role.Administrator | Role.PostOffice), ct).ConfigureAwait(false);
        return password;
    }

    public async Task<User> CreateUserAsync(Principal by, NewUser request, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        ValidateLogin(request.Login);
        if (string.IsNullOrWhiteSpace(request.DisplayName))
        {
            throw new ValidationException("A user needs a display name.");
        }

        if (request.Password is not null)
        {
            ValidatePassword(request.Password);
        }

        ValidateEmail(request.Email);
        var now = time.GetUtcNow();
        var user = new User
        {
            Login = request.Login.Trim(),
            DisplayName = request.DisplayName.Trim(),
            Email = request.Email?.Trim(),
            PasswordHash = request.Password is null ? null : PasswordHasher.Hash(request.Password, passwordIterations),
            Roles = request.Roles,
            CreatedAt = now,
        };
        if (request.Extension is not null)
        {
            ValidateExtension(request.Extension);
            if (await store.Mailboxes.FindByExtensionAsync(request.Extension, ct).ConfigureAwait(false) is not null)
            {
                throw new DuplicateException($"Extension {request.Extension} is already taken.");
            }
        }

        user.Id = await store.Users.SaveAsync(user, ct).ConfigureAwait(false);
        await store.Mailboxes.SaveAsync(
            new Mailbox
            {
                Name = user.DisplayName,
                OwnerKind = MailboxOwnerKind.User,
                OwnerId = user.Id,
                Extension = request.Extension,
                Email = user.Email,
                OutgoingFaxId = request.OutgoingFaxId,
                CreatedAt = now,
            },
            ct).ConfigureAwait(false);
        return user;
    }

    public async Task<User> UpdateUserAsync(Principal by, long userId, string? displayName, string? email, Role? roles, bool? active, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        var user = await store.Users.GetAsync(userId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no user {userId}.");
        if (displayName is not null)
        {
            user.DisplayName = displayName.Trim().Length > 0 ? displayName.Trim() : throw new ValidationException("A user needs a display name.");
        }

        if (email is not null)
        {
            ValidateEmail(email);
            user.Email = email.Length == 0 ? null : email.Trim();
        }

        if (roles is not null)
        {
            if (user.Id == by.UserId && (roles.Value & Role.Administrator) == 0)
            {
                throw new ValidationException("You cannot take the administrator role from yourself.");
            }

            user.Roles = roles.Value;
        }

        if (active is not null)
        {
            if (user.Id == by.UserId && !active.Value)
            {
                throw new ValidationException("You cannot deactivate yourself.");
            }

            user.Active = active.Value;
        }

        await store.Users.SaveAsync(user, ct).ConfigureAwait(false);
        return user;
    }

    /// <summary>Changes a password: users their own (with the current one), administrators anyone's (a reset).</summary>
    public async Task SetPasswordAsync(Principal by, long userId, string? currentPassword, string newPassword, CancellationToken ct)
    {
        var user = await store.Users.GetAsync(userId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no user {userId}.");
        if (by.UserId == userId && !by.IsAdministrator)
        {
            if (currentPassword is null || !PasswordHasher.Verify(currentPassword, user.PasswordHash))
            {
                throw new ValidationException("The current password is wrong.");
            }
        }
        else if (by.UserId != userId)
        {
            AuthorizationService.DemandAdministrator(by);
        }

        ValidatePassword(newPassword);
        user.PasswordHash = PasswordHasher.Hash(newPassword, passwordIterations);
        user.FailedLogins = 0;
        user.LockedUntil = null;
        await store.Users.SaveAsync(user, ct).ConfigureAwait(false);
    }

    public async Task SetPinAsync(Principal by, long userId, string? pin, CancellationToken ct)
    {
        if (by.UserId != userId)
        {
            AuthorizationService.DemandAdministrator(by);
        }

        var user = await store.Users.GetAsync(userId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no user {userId}.");
        if (pin is not null && (pin.Length is < 4 or > 12 || !pin.All(char.IsAsciiDigit)))
        {
            throw new ValidationException("A PIN is 4 to 12 digits.");
        }

        user.PinHash = pin is null ? null : PasswordHasher.Hash(pin, passwordIterations);
        await store.Users.SaveAsync(user, ct).ConfigureAwait(false);
    }

    /// <summary>Creates an API token for the caller; the secret is returned once and never stored.</summary>
    public async Task<(ApiToken Token, string Secret)> CreateTokenAsync(Principal by, string name, TimeSpan? lifetime, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new ValidationException("A token needs a name of at most 100 characters.");
        }

        string secret = ApiTokens.NewSecret();
        var now = time.GetUtcNow();
        var token = new ApiToken
        {
            UserId = by.UserId,
            Name = name.Trim(),
            SecretHash = ApiTokens.HashOf(secret),
            CreatedAt = now,
            ExpiresAt = lifetime is null ? null : now + lifetime.Value,
        };
        token.Id = await store.Users.AddTokenAsync(token, ct).ConfigureAwait(false);
        return (token, secret);
    }

    public Task<IReadOnlyList<ApiToken>> TokensAsync(Principal by, CancellationToken ct) => store.Users.TokensAsync(by.UserId, ct);

    public async Task RevokeTokenAsync(Principal by, long tokenId, CancellationToken ct)
    {
        if (!await store.Users.DeleteTokenAsync(by.UserId, tokenId, ct).ConfigureAwait(false))
        {
            throw new NotFoundException($"You have no token {tokenId}.");
        }
    }

    public async Task<IReadOnlyList<User>> UsersAsync(Principal by, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(by);
        return await store.Users.ListAsync(ct).ConfigureAwait(false);
    }

    public async Task<User> UserAsync(Principal by, long userId, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(by);
        return await store.Users.GetAsync(userId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no user {userId}.");
    }

    /// <summary>Every team with its members' user ids (fax post office).</summary>
    public async Task<IReadOnlyList<(Team Team, IReadOnlyList<long> Members)>> TeamsAsync(Principal by, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(by);
        var result = new List<(Team, IReadOnlyList<long>)>();
        foreach (var team in await store.Teams.ListAsync(ct).ConfigureAwait(false))
        {
            result.Add((team, await store.Teams.MembersAsync(team.Id, ct).ConfigureAwait(false)));
        }

        return result;
    }

    /// <summary>Every mailbox, personal and team (fax post office).</summary>
    public async Task<IReadOnlyList<Mailbox>> MailboxesAsync(Principal by, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(by);
        return await store.Mailboxes.ListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>One mailbox and the rights granted on it to users and teams (administrators).</summary>
    public async Task<(Mailbox Mailbox, IReadOnlyList<Grant> Grants)> MailboxGrantsAsync(Principal by, long mailboxId, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        var mailbox = await store.Mailboxes.GetAsync(mailboxId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no mailbox {mailboxId}.");
        return (mailbox, await store.Grants.ForMailboxAsync(mailboxId, ct).ConfigureAwait(false));
    }

    public async Task<Team> CreateTeamAsync(Principal by, string name, string? email, string? extension, string? outgoingFaxId, IReadOnlyCollection<long> members, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new ValidationException("A team needs a name of at most 100 characters.");
        }

        ValidateEmail(email);
        if (extension is not null)
        {
            ValidateExtension(extension);
            if (await store.Mailboxes.FindByExtensionAsync(extension, ct).ConfigureAwait(false) is not null)
            {
                throw new DuplicateException($"Extension {extension} is already taken.");
            }
        }

        await EnsureUsersExistAsync(members, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var team = new Team { Name = name.Trim(), Email = email, CreatedAt = now };
        team.Id = await store.Teams.SaveAsync(team, ct).ConfigureAwait(false);
        await store.Teams.SetMembersAsync(team.Id, members, ct).ConfigureAwait(false);
        long mailboxId = await store.Mailboxes.SaveAsync(
            new Mailbox
            {
                Name = team.Name,
                OwnerKind = MailboxOwnerKind.Team,
                OwnerId = team.Id,
                Extension = extension,
                Email = email,
                OutgoingFaxId = outgoingFaxId,
                CreatedAt = now,
            },
            ct).ConfigureAwait(false);

        // Members of a team may use its mailbox; finer grants are the administrator's to set.
        await store.Grants.SetAsync(mailboxId, GranteeKind.Team, team.Id, MailboxRights.ReadIncoming | MailboxRights.Send | MailboxRights.StopOutgoing, ct).ConfigureAwait(false);
        return team;
    }

    public async Task SetTeamMembersAsync(Principal by, long teamId, IReadOnlyCollection<long> members, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        _ = await store.Teams.GetAsync(teamId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no team {teamId}.");
        await EnsureUsersExistAsync(members, ct).ConfigureAwait(false);
        await store.Teams.SetMembersAsync(teamId, members, ct).ConfigureAwait(false);
    }

    public async Task<Mailbox> UpdateMailboxAsync(Principal by, long mailboxId, string? extension, string? email, string? outgoingFaxId, int? retentionDays, bool? mailPages, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        var mailbox = await store.Mailboxes.GetAsync(mailboxId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no mailbox {mailboxId}.");
        if (extension is not null)
        {
            if (extension.Length == 0)
            {
                mailbox.Extension = null;
            }
            else
            {
                ValidateExtension(extension);
                var other = await store.Mailboxes.FindByExtensionAsync(extension, ct).ConfigureAwait(false);
                if (other is not null && other.Id != mailboxId)
                {
                    throw new DuplicateException($"Extension {extension} is already taken by '{other.Name}'.");
                }

                mailbox.Extension = extension;
            }
        }

        if (email is not null)
        {
            ValidateEmail(email);
            mailbox.Email = email.Length == 0 ? null : email;
        }

        if (outgoingFaxId is not null)
        {
            if (outgoingFaxId.Length > 20 || outgoingFaxId.Any(c => !(char.IsAsciiDigit(c) || c is '+' or ' ')))
            {
                throw new ValidationException("A fax ID (TSI) is at most 20 digits, '+' and spaces (T.30 §5.3.6.2.4).");
            }

            mailbox.OutgoingFaxId = outgoingFaxId.Length == 0 ? null : outgoingFaxId;
        }

        if (retentionDays is not null)
        {
            mailbox.RetentionDays = retentionDays is >= 1 and <= 3650 ? retentionDays : throw new ValidationException("Retention is 1 to 3650 days.");
        }

        if (mailPages is not null)
        {
            mailbox.MailPages = mailPages.Value;
        }

        await store.Mailboxes.SaveAsync(mailbox, ct).ConfigureAwait(false);
        return mailbox;
    }

    public async Task SetGrantAsync(Principal by, long mailboxId, GranteeKind kind, long granteeId, MailboxRights rights, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        _ = await store.Mailboxes.GetAsync(mailboxId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no mailbox {mailboxId}.");
        bool exists = kind == GranteeKind.User
            ? await store.Users.GetAsync(granteeId, ct).ConfigureAwait(false) is not null
            : await store.Teams.GetAsync(granteeId, ct).ConfigureAwait(false) is not null;
        if (!exists)
        {
            throw new NotFoundException($"There is no {kind.ToString().ToLowerInvariant()} {granteeId}.");
        }

        await store.Grants.SetAsync(mailboxId, kind, granteeId, rights & MailboxRights.All, ct).ConfigureAwait(false);
    }

    /// <summary>The personal mailbox of a user (every user gets one when created).</summary>
    public async Task<Mailbox?> PersonalMailboxAsync(long userId, CancellationToken ct) =>
        (await store.Mailboxes.ListAsync(ct).ConfigureAwait(false))
            .FirstOrDefault(m => m.OwnerKind == MailboxOwnerKind.User && m.OwnerId == userId);

    private async Task EnsureUsersExistAsync(IReadOnlyCollection<long> userIds, CancellationToken ct)
    {
        foreach (long id in userIds)
        {
            _ = await store.Users.GetAsync(id, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no user {id}.");
        }
    }

    private static void ValidateLogin(string login)
    {
        if (string.IsNullOrWhiteSpace(login) || login.Length > 64 || !login.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
        {
            throw new ValidationException("A login is 1 to 64 letters, digits, '.', '-', '_' or '@'.");
        }
    }

    private static void ValidatePassword(string password)
    {
        if (password.Length < 8 || password.Length > 256)
        {
            throw new ValidationException("A password needs 8 to 256 characters.");
        }
    }

    private static void ValidateEmail(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return;
        }

        int at = email.IndexOf('@', StringComparison.Ordinal);
        if (email.Length > 254 || at < 1 || at != email.LastIndexOf('@') || at == email.Length - 1 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ValidationException($"'{email}' is not an e-mail address.");
        }
    }

    private static void ValidateExtension(string extension)
    {
        if (extension.Length is < 1 or > 6 || !extension.All(char.IsAsciiDigit))
        {
            throw new ValidationException("An extension is 1 to 6 digits.");
        }
    }

    private static class Dummy
    {
        public static readonly string Value = PasswordHasher.Hash("dummy-password", 600_000);
    }
}
