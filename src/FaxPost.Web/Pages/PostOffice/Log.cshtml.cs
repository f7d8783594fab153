using System.Globalization;
using System.Text;
using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Log;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.PostOffice;

/// <summary>
/// The send/receive log with filters (date range, user, number, direction, result) and a CSV export
/// of exactly what the filters select. Read through <see cref="LogService"/>.
/// </summary>
public sealed class LogModel(LogService log, AccountService accounts) : FaxPostPageModel
{
    public const int PageLimit = 500;

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(Name = "user", SupportsGet = true)]
    public long? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Number { get; set; }

    [BindProperty(SupportsGet = true)]
    public Direction? Direction { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Result { get; set; }

    public IReadOnlyList<TransmissionRecord> Records { get; private set; } = [];

    public IReadOnlyList<User> Users { get; private set; } = [];

    public static IReadOnlyList<string> Results { get; } = ["ok", "partial", "internal", "busy", "no-answer", "line-unavailable", "rejected", "failed"];

    /// <summary>The filters as a query string (for the CSV link).</summary>
    public string Query => string.Join("&", new[]
    {
        From is { } f ? "from=" + f.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        To is { } t ? "to=" + t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        UserId is { } u ? "user=" + u.ToString(CultureInfo.InvariantCulture) : null,
        string.IsNullOrWhiteSpace(Number) ? null : "number=" + Uri.EscapeDataString(Number),
        Direction is { } d ? "direction=" + d : null,
        string.IsNullOrWhiteSpace(Result) ? null : "result=" + Uri.EscapeDataString(Result),
    }.Where(p => p is not null));

    public string UserName(long? id) => id is null ? "–" : Users.FirstOrDefault(u => u.Id == id)?.DisplayName ?? $"user {id}";

    public async Task OnGetAsync(CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        Users = (await accounts.UsersAsync(Caller, ct).ConfigureAwait(false)).OrderBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
        Records = await SearchAsync(PageLimit, newest: true, ct).ConfigureAwait(false);
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        var records = await SearchAsync(100_000, newest: false, ct).ConfigureAwait(false);
        return File(Encoding.UTF8.GetBytes(LogService.ToCsv(records)), "text/csv; charset=utf-8", "faxpost-log.csv");
    }

    /// <param name="newest">The page shows the newest matches; the CSV export starts at the oldest.</param>
    private Task<IReadOnlyList<TransmissionRecord>> SearchAsync(int limit, bool newest, CancellationToken ct)
    {
        if (From is { } f && To is { } t && t < f)
        {
            throw new ValidationException("The end date is before the start date.");
        }

        var query = new LogQuery(
            From is { } from ? new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            To is { } to ? new DateTimeOffset(to.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero) : null,
            Direction,
            null,
            limit,
            Newest: newest);
        return log.SearchAsync(Caller, query, new LogFilter(UserId, Number, Result), ct);
    }
}
