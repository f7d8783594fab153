namespace FaxPost.Storage.Sql;

internal static class SqlWhere
{
    /// <summary>" WHERE a AND b" or "" for no conditions.</summary>
    public static string Of(List<string> conditions) =>
        conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
}
