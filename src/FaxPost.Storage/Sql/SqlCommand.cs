using System.Data.Common;

namespace FaxPost.Storage.Sql;

/// <summary>A command with fluent parameters; disposed by the terminal call (Execute/Query/...).</summary>
internal sealed class SqlCommand(DbCommand command, SqlDialect dialect)
{
    public SqlCommand With(string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
        return this;
    }

    public SqlCommand WithTime(string name, DateTimeOffset value) => With(name, dialect.Time(value));

    public SqlCommand WithTime(string name, DateTimeOffset? value) => With(name, dialect.Time(value));

    /// <summary>Appends "IN (@name0, @name1, ...)" for the values; the caller handles an empty set.</summary>
    public SqlCommand WithList<T>(string name, IEnumerable<T> values, out string inList)
        where T : notnull
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            string n = name + names.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            names.Add(n);
            With(n, value);
        }

        inList = "IN (" + string.Join(", ", names) + ")";
        return this;
    }

    public string Text
    {
        get => command.CommandText;
        set => command.CommandText = value;
    }

    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Runs an INSERT ... RETURNING id.</summary>
    public async Task<long> InsertAsync(CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            object? id = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public async Task<T?> ScalarAsync<T>(CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            object? value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public async Task<List<T>> ListAsync<T>(Func<DbDataReader, T> map, CancellationToken ct)
    {
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var list = new List<T>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    list.Add(map(reader));
                }

                return list;
            }
        }
    }

    public async Task<T?> FirstOrDefaultAsync<T>(Func<DbDataReader, T> map, CancellationToken ct)
        where T : class
    {
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(ct).ConfigureAwait(false) ? map(reader) : null;
            }
        }
    }
}
