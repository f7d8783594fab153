using System.Globalization;
using FaxPost.Core;

namespace FaxPost.Web.Api;

/// <summary>Query-string values the API accepts in lists: "1,2,3" ids, "queued,failed" states.</summary>
internal static class Query
{
    public static IReadOnlyCollection<long>? Ids(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var ids = new List<long>();
        foreach (string part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            ids.Add(long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id > 0
                ? id
                : throw new ValidationException($"{name}: '{part}' is not an id."));
        }

        return ids;
    }

    public static IReadOnlyCollection<T>? Enums<T>(string? value, string name)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var result = new List<T>();
        foreach (string part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string plain = part.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
            result.Add(Enum.TryParse<T>(plain, ignoreCase: true, out var v) && Enum.IsDefined(v) && !char.IsAsciiDigit(plain[0])
                ? v
                : throw new ValidationException($"{name}: '{part}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(Names.Camel))}."));
        }

        return result;
    }

    public static int Limit(int? value, int @default, int max) => value switch
    {
        null => @default,
        >= 1 when value <= max => value.Value,
        _ => throw new ValidationException($"limit is 1 to {max}."),
    };
}
