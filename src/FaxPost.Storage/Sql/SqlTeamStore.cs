using System.Data.Common;
using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Sql;

internal sealed class SqlTeamStore(SqlDatabase db) : ITeamStore
{
    private const string Columns = "id, name, email, created_at";

    public Task<Team?> GetAsync(long id, CancellationToken ct) =>
        db.ReadAsync(s => s.Sql($"SELECT {Columns} FROM teams WHERE id = @id").With("@id", id).FirstOrDefaultAsync(Read, ct), ct);

    public async Task<IReadOnlyList<Team>> ListAsync(CancellationToken ct) =>
        await db.ReadAsync(s => s.Sql($"SELECT {Columns} FROM teams ORDER BY id").ListAsync(Read, ct), ct).ConfigureAwait(false);

    public async Task<long> SaveAsync(Team team, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(team);
        long id = await db.WriteAsync(
            async s =>
            {
                var cmd = s.Sql(team.Id == 0
                        ? "INSERT INTO teams (name, name_key, email, created_at) VALUES (@name, @key, @email, @created) RETURNING id"
                        : "UPDATE teams SET name = @name, name_key = @key, email = @email, created_at = @created WHERE id = @id")
                    .With("@id", team.Id)
                    .With("@name", team.Name)
                    .With("@key", team.Name.ToLowerInvariant())
                    .With("@email", team.Email)
                    .WithTime("@created", team.CreatedAt);
                if (team.Id == 0)
                {
                    return await cmd.InsertAsync(ct).ConfigureAwait(false);
                }

                return await cmd.ExecuteAsync(ct).ConfigureAwait(false) == 1
                    ? team.Id
                    : throw new KeyNotFoundException($"There is no team {team.Id} to update.");
            },
            ct,
            () => $"A team named '{team.Name}' exists already (names are compared ignoring case).").ConfigureAwait(false);
        team.Id = id;
        return id;
    }

    /// <summary>Deletes the team, its memberships and the rights granted to it.</summary>
    public Task<bool> DeleteAsync(long id, CancellationToken ct) =>
        db.WriteAsync(
            async s =>
            {
                await s.Sql("DELETE FROM grants WHERE grantee_kind = @k AND grantee_id = @id").With("@k", (int)GranteeKind.Team).With("@id", id)
                    .ExecuteAsync(ct).ConfigureAwait(false);
                return await s.Sql("DELETE FROM teams WHERE id = @id").With("@id", id).ExecuteAsync(ct).ConfigureAwait(false) > 0;
            },
            ct);

    public async Task<IReadOnlyList<long>> MembersAsync(long teamId, CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql("SELECT user_id FROM team_members WHERE team_id = @t ORDER BY user_id").With("@t", teamId).ListAsync(r => r.GetInt64(0), ct),
            ct).ConfigureAwait(false);

    public Task SetMembersAsync(long teamId, IReadOnlyCollection<long> userIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        return db.WriteAsync(
            async s =>
            {
                await s.Sql("DELETE FROM team_members WHERE team_id = @t").With("@t", teamId).ExecuteAsync(ct).ConfigureAwait(false);
                foreach (long userId in userIds.Distinct())
                {
                    await s.Sql("INSERT INTO team_members (team_id, user_id) VALUES (@t, @u)").With("@t", teamId).With("@u", userId)
                        .ExecuteAsync(ct).ConfigureAwait(false);
                }
            },
            ct);
    }

    private Team Read(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Name = r.GetString(1),
        Email = r.StringOrNull(2),
        CreatedAt = db.Dialect.ReadTime(r, 3),
    };
}
