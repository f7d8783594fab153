using System.Globalization;
using FaxPost.Core;
using FaxPost.Core.Rights;
using FaxPost.Core.Statistics;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.PostOffice;

/// <summary>
/// Pages and cost per user and team for a month, with quota warnings (seed 004); administrators
/// set the prices and the quota here. Figures come from <see cref="UsageStatistics"/>.
/// </summary>
public sealed class StatisticsModel(UsageStatistics statistics, TimeProvider time) : FaxPostPageModel
{
    /// <summary>The month shown, as yyyy-MM.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Month { get; set; }

    public UsageReport Report { get; private set; } = null!;

    public string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture) + " " + Report.Tariff.Currency;

    public async Task OnGetAsync(CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        await LoadAsync(ct).ConfigureAwait(false);
    }

    public Task<IActionResult> OnPostTariffAsync(decimal? perPage, decimal? perMinute, int? quota, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        return SubmitFormAsync(async () =>
        {
            await statistics.SetTariffAsync(Caller, perPage ?? 0, perMinute ?? 0, quota ?? 0, ct).ConfigureAwait(false);
            Flash("The prices and the quota are saved.");
            return RedirectToPage(new { month = Month });
        }, () => LoadAsync(ct));
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        int year = now.Year, month = now.Month;
        if (!string.IsNullOrEmpty(Month))
        {
            if (!DateTime.TryParseExact(Month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var picked))
            {
                throw new ValidationException($"'{Month}' is not a month (yyyy-MM).");
            }

            (year, month) = (picked.Year, picked.Month);
        }

        Month = $"{year:0000}-{month:00}";
        Report = await statistics.MonthAsync(Caller, year, month, ct).ConfigureAwait(false);
    }

    public static string Quota(QuotaState state) => state switch
    {
        QuotaState.Near => "near the quota",
        QuotaState.Over => "over the quota",
        _ => "",
    };
}
