using FaxPost.Core.Configuration;

namespace FaxPost.Core.Tests.Configuration;

public sealed class OptionsValidationTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(new FaxPostOptions().Validate());
    }

    [Fact]
    public void Each_problem_is_named()
    {
        var options = new FaxPostOptions
        {
            Database = new DatabaseOptions { Provider = "oracle" },
            Lines = new LineOptions { Total = 2, ReservedInbound = 2 },
            Numbering = new NumberingOptions { CountryCode = "049", AreaCode = "89x" },
            Retention = new RetentionOptions { Days = 0 },
        };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.Contains("Database:Provider", StringComparison.Ordinal) && e.Contains("oracle", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Lines:ReservedInbound", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Numbering:AreaCode", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("leading zeros", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Retention:Days", StringComparison.Ordinal));
    }

    [Fact]
    public void Postgres_needs_a_connection_string()
    {
        var options = new FaxPostOptions { Database = new DatabaseOptions { Provider = "postgres" } };

        Assert.Contains(options.Validate(), e => e.Contains("ConnectionString", StringComparison.Ordinal));
    }
}
