using System.Data.Common;

namespace FaxPost.Storage.Sql;

internal static class SqlReaderExtensions
{
    public static string? StringOrNull(this DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    public static long? Int64OrNull(this DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetInt64(ordinal);

    public static int? Int32OrNull(this DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetInt32(ordinal);
}
