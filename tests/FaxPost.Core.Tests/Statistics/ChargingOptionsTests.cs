using FaxPost.Core.Configuration;

namespace FaxPost.Core.Tests.Statistics;

public sealed class ChargingOptionsTests
{
    [Theory]
    [InlineData(-0.01, 0, 0, 80, "must not be negative")]
    [InlineData(0, -1, 0, 80, "must not be negative")]
    [InlineData(0, 0, -5, 80, "must not be negative")]
    [InlineData(0, 0, 0, 0, "QuotaWarningPercent")]
    [InlineData(0, 0, 0, 101, "QuotaWarningPercent")]
    public void Bad_charging_settings_are_named_at_start(double perPage, double perMinute, int quota, int warn, string words)
    {
        var options = new FaxPostOptions();
        options.Charging.CostPerPage = (decimal)perPage;
        options.Charging.CostPerMinute = (decimal)perMinute;
        options.Charging.MonthlyPageQuota = quota;
        options.Charging.QuotaWarningPercent = warn;

        Assert.Contains(options.Validate(), e => e.StartsWith("Charging", StringComparison.Ordinal) && e.Contains(words, StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_charge_nothing_and_set_no_quota()
    {
        var options = new FaxPostOptions();
        Assert.DoesNotContain(options.Validate(), e => e.StartsWith("Charging", StringComparison.Ordinal));
        Assert.Equal((0m, 0m, 0, "EUR"), (options.Charging.CostPerPage, options.Charging.CostPerMinute, options.Charging.MonthlyPageQuota, options.Charging.Currency));
    }
}
