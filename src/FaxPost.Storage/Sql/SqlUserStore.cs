using System.Data.Common;
using FaxPost.Core.Accounts;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Sql;

internal sealed class SqlUserStore(SqlDatabase db) : IUserStore
{
    private const string Columns =
        "id, login, display_name, email, password_hash, roles, active, pin_hash, failed_logins, locked_until, created_at";

    private const string TokenColumns = "id, user_id, name, secret_hash, created_at, expires_at, last_used_at";

    public Task<User?> GetAsync(long id, CancellationToken ct) =>
        db.ReadAsync(s => s.Sql($"SELECT {Columns} FROM users WHERE id = @id").With("@id", id).FirstOrDefaultAsync(Read, ct), ct);

    public Task<User?> FindByLoginAsync(string login, CancellationToken ct) =>
        db.ReadAsync(s => s.Sql($"SELECT {Columns} FROM users WHERE login_key = @key").With("@key", Key(login)).FirstOrDefaultAsync(Read, ct), ct);

    public Task<User?> FindByEmailAsync(string email, CancellationToken ct) =>
        db.ReadAsync(
            s => s.Sql($"SELECT {Columns} FROM users WHERE lower(email) = lower(@email) ORDER BY id LIMIT 1")
                .With("@email", email)
                .FirstOrDefaultAsync(Read, ct),
            ct);

    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken ct) =>
        await db.ReadAsync(s => s.Sql($"SELECT {Columns} FROM users ORDER BY id").ListAsync(Read, ct), ct).ConfigureAwait(false);

    public async Task<long> SaveAsync(User user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        long id = await db.WriteAsync(
            async s =>
            {
                var cmd = s.Sql(user.Id == 0
                        ? """
                          INSERT INTO users (login, login_key, display_name, email, password_hash, roles, active, pin_hash, failed_logins, locked_until, created_at)
                          VALUES (@login, @key, @name, @email, @password, @roles, @active, @pin, @failed, @locked, @created) RETURNING id
                          """
                        : """
                          UPDATE users SET login = @login, login_key = @key, display_name = @name, email = @email, password_hash = @password,
                              roles = @roles, active = @active, pin_hash = @pin, failed_logins = @failed, locked_until = @locked, created_at = @created
                          WHERE id = @id
                          """)
                    .With("@id", user.Id)
                    .With("@login", user.Login)
                    .With("@key", Key(user.Login))
                    .With("@name", user.DisplayName)
                    .With("@email", user.Email)
                    .With("@password", user.PasswordHash)
                    .With("@roles", (int)user.Roles)
                    .With("@active", user.Active)
                    .With("@pin", user.PinHash)
                    .With("@failed", user.FailedLogins)
                    .WithTime("@locked", user.LockedUntil)
                    .WithTime("@created", user.CreatedAt);
                if (user.Id == 0)
                {
                    return await cmd.InsertAsync(ct).ConfigureAwait(false);
                }

                return await cmd.ExecuteAsync(ct).ConfigureAwait(false) == 1
                    ? user.Id
                    : throw new KeyNotFoundException($"There is no user {user.Id} to update.");
            },
            ct,
            () => $"The login '{user.Login}' is already taken (logins are compared ignoring case).").ConfigureAwait(false);
        user.Id = id;
        return id;
    }

    public async Task<IReadOnlyList<long>> TeamIdsAsync(long userId, CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql("SELECT team_id FROM team_members WHERE user_id = @u ORDER BY team_id").With("@u", userId).ListAsync(r => r.GetInt64(0), ct),
            ct).ConfigureAwait(false);

    public async Task<long> AddTokenAsync(ApiToken token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        long id = await db.WriteAsync(
            s => s.Sql(
                    """
                    INSERT INTO api_tokens (user_id, name, secret_hash, created_at, expires_at, last_used_at)
                    VALUES (@user, @name, @hash, @created, @expires, @used) RETURNING id
                    """)
                .With("@user", token.UserId)
                .With("@name", token.Name)
                .With("@hash", token.SecretHash)
                .WithTime("@created", token.CreatedAt)
                .WithTime("@expires", token.ExpiresAt)
                .WithTime("@used", token.LastUsedAt)
                .InsertAsync(ct),
            ct,
            () => "A token with this secret exists already.").ConfigureAwait(false);
        token.Id = id;
        return id;
    }

    public Task<ApiToken?> FindTokenAsync(string secretHash, CancellationToken ct) =>
        db.ReadAsync(s => s.Sql($"SELECT {TokenColumns} FROM api_tokens WHERE secret_hash = @h").With("@h", secretHash).FirstOrDefaultAsync(ReadToken, ct), ct);

    public async Task<IReadOnlyList<ApiToken>> TokensAsync(long userId, CancellationToken ct) =>
        await db.ReadAsync(s => s.Sql($"SELECT {TokenColumns} FROM api_tokens WHERE user_id = @u ORDER BY id").With("@u", userId).ListAsync(ReadToken, ct), ct)
            .ConfigureAwait(false);

    public Task TouchTokenAsync(long tokenId, DateTimeOffset at, CancellationToken ct) =>
        db.WriteAsync(s => s.Sql("UPDATE api_tokens SET last_used_at = @at WHERE id = @id").WithTime("@at", at).With("@id", tokenId).ExecuteAsync(ct), ct);

    public Task<bool> DeleteTokenAsync(long userId, long tokenId, CancellationToken ct) =>
        db.WriteAsync(
            async s => await s.Sql("DELETE FROM api_tokens WHERE id = @id AND user_id = @u").With("@id", tokenId).With("@u", userId).ExecuteAsync(ct).ConfigureAwait(false) > 0,
            ct);

    /// <summary>Logins are unique ignoring case; the key is compared in C# so both databases agree on every script.</summary>
    internal static string Key(string login) => login.ToLowerInvariant();

    private User Read(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Login = r.GetString(1),
        DisplayName = r.GetString(2),
        Email = r.StringOrNull(3),
        PasswordHash = r.StringOrNull(4),
        Roles = (Role)r.GetInt32(5),
        Active = r.GetBoolean(6),
        PinHash = r.StringOrNull(7),
        FailedLogins = r.GetInt32(8),
        LockedUntil = db.Dialect.ReadTimeOrNull(r, 9),
        CreatedAt = db.Dialect.ReadTime(r, 10),
    };

    private ApiToken ReadToken(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        UserId = r.GetInt64(1),
        Name = r.GetString(2),
        SecretHash = r.GetString(3),
        CreatedAt = db.Dialect.ReadTime(r, 4),
        ExpiresAt = db.Dialect.ReadTimeOrNull(r, 5),
        LastUsedAt = db.Dialect.ReadTimeOrNull(r, 6),
    };
}
