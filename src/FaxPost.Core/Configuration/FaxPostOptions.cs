using FaxPost.Core.Numbering;

namespace FaxPost.Core.Configuration;

/// <summary>
/// Everything in faxpost.json (section "FaxPost" or the root), each key overridable by
/// FAXPOST__Key__SubKey environment variables. <see cref="Validate"/> names every problem.
/// </summary>
public sealed class FaxPostOptions
{
    /// <summary>Holds the SQLite database and the document store.</summary>
    public string DataDirectory { get; set; } = "data";

    public DatabaseOptions Database { get; set; } = new();

    public NumberingOptions Numbering { get; set; } = new();

    public LineOptions Lines { get; set; } = new();

    public RetryOptions Retry { get; set; } = new();

    public RetentionOptions Retention { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    public WebOptions Web { get; set; } = new();

    public SecurityOptions Security { get; set; } = new();

    public DialingOptions Dialing { get; set; } = new();

    public ChargingOptions Charging { get; set; } = new();

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            errors.Add("DataDirectory must name a directory.");
        }

        if (Database.Provider is not ("sqlite" or "postgres"))
        {
            errors.Add($"Database:Provider must be 'sqlite' or 'postgres', not '{Database.Provider}'.");
        }

        if (Database.Provider == "postgres" && string.IsNullOrWhiteSpace(Database.ConnectionString))
        {
            errors.Add("Database:ConnectionString is required when Database:Provider is 'postgres'.");
        }

        Numbering.Validate(errors);
        if (Lines.Total < 1)
        {
            errors.Add("Lines:Total must be at least 1.");
        }

        if (Lines.ReservedInbound < 0 || Lines.ReservedInbound >= Lines.Total)
        {
            errors.Add($"Lines:ReservedInbound must be between 0 and Lines:Total - 1 ({Lines.Total - 1}), so at least one line can send.");
        }

        if (Lines.PerDestination < 1)
        {
            errors.Add("Lines:PerDestination must be at least 1.");
        }

        if (Retry.MaxTries < 1 || Retry.MaxTries > 100)
        {
            errors.Add("Retry:MaxTries must be between 1 and 100.");
        }

        if (Retry.BusyDelay <= TimeSpan.Zero || Retry.NoAnswerDelay <= TimeSpan.Zero || Retry.FailureDelay <= TimeSpan.Zero)
        {
            errors.Add("Retry delays must be positive.");
        }

        if (Retry.Backoff < 1.0 || Retry.Backoff > 10.0)
        {
            errors.Add("Retry:Backoff must be between 1 and 10.");
        }

        if (Retention.Days < 1)
        {
            errors.Add("Retention:Days must be at least 1.");
        }

        if (Limits.MaxUploadBytes < 1024)
        {
            errors.Add("Limits:MaxUploadBytes must be at least 1024.");
        }

        if (Limits.MaxPages < 1)
        {
            errors.Add("Limits:MaxPages must be at least 1.");
        }

        if (Limits.MaxRecipients < 1)
        {
            errors.Add("Limits:MaxRecipients must be at least 1.");
        }

        if (Limits.MinFreeDiskBytes < 0)
        {
            errors.Add("Limits:MinFreeDiskBytes must not be negative.");
        }

        foreach (string prefix in Dialing.BlockedPrefixes.Concat(Dialing.TeamRules.SelectMany(r => r.BlockedPrefixes)))
        {
            if (!prefix.StartsWith('+') || prefix.Length < 2 || !prefix.Skip(1).All(char.IsAsciiDigit))
            {
                errors.Add($"Dialing: blocked prefixes are written in E.164 form like +49900, not '{prefix}'.");
            }
        }

        if (Dialing.TeamRules.Any(r => string.IsNullOrWhiteSpace(r.Team)))
        {
            errors.Add("Dialing:TeamRules: every rule names a team.");
        }

        if (Security.PasswordIterations < 10_000)
        {
            errors.Add("Security:PasswordIterations must be at least 10000.");
        }

        if (Charging.CostPerPage < 0 || Charging.CostPerMinute < 0 || Charging.MonthlyPageQuota < 0)
        {
            errors.Add("Charging: costs and the monthly page quota must not be negative.");
        }

        if (Charging.QuotaWarningPercent is < 1 or > 100)
        {
            errors.Add("Charging:QuotaWarningPercent must be between 1 and 100.");
        }

        if (Web.Urls.Length == 0)
        {
            errors.Add("Web:Urls must list at least one address.");
        }

        return errors;
    }
}

public sealed class DatabaseOptions
{
    /// <summary>"sqlite" (embedded, in the data directory) or "postgres".</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>For PostgreSQL; for SQLite optional (default: DataDirectory/faxpost.db).</summary>
    public string? ConnectionString { get; set; }
}

public sealed class NumberingOptions
{
    public string CountryCode { get; set; } = "49";

    public string AreaCode { get; set; } = "89";

    public string BaseNumber { get; set; } = "1234";

    public string AccessCode { get; set; } = "0";

    public string InternationalPrefix { get; set; } = "00";

    public string NationalPrefix { get; set; } = "0";

    public int ExtensionLength { get; set; } = 3;

    public OrganisationNumbering Build() => new()
    {
        CountryCode = CountryCode,
        AreaCode = AreaCode,
        BaseNumber = BaseNumber,
        AccessCode = AccessCode,
        InternationalPrefix = InternationalPrefix,
        NationalPrefix = NationalPrefix,
        MaxExtensionLength = ExtensionLength,
    };

    internal void Validate(List<string> errors)
    {
        Check(errors, "Numbering:CountryCode", CountryCode, 1, 3);
        Check(errors, "Numbering:AreaCode", AreaCode, 0, 6);
        Check(errors, "Numbering:BaseNumber", BaseNumber, 1, 12);
        Check(errors, "Numbering:AccessCode", AccessCode, 0, 3);
        Check(errors, "Numbering:InternationalPrefix", InternationalPrefix, 1, 4);
        Check(errors, "Numbering:NationalPrefix", NationalPrefix, 0, 2);
        if (CountryCode.StartsWith('0') || AreaCode.StartsWith('0'))
        {
            errors.Add("Numbering:CountryCode and Numbering:AreaCode are written without leading zeros (e.g. 49 and 89).");
        }

        if (ExtensionLength is < 1 or > 6)
        {
            errors.Add("Numbering:ExtensionLength must be between 1 and 6.");
        }
    }

    private static void Check(List<string> errors, string name, string? value, int min, int max)
    {
        value ??= "";
        if (value.Length < min || value.Length > max || !value.All(char.IsAsciiDigit))
        {
            errors.Add($"{name} must be {min}–{max} digits, not '{value}'.");
        }
    }
}

public sealed class LineOptions
{
    /// <summary>Total fax lines (simultaneous calls, seed 003).</summary>
    public int Total { get; set; } = 4;

    /// <summary>Lines always kept free for incoming faxes (seed 003).</summary>
    public int ReservedInbound { get; set; } = 1;

    /// <summary>Simultaneous calls to one destination number (HylaFAX MaxConcurrentCalls).</summary>
    public int PerDestination { get; set; } = 1;
}

public sealed class RetryOptions
{
    /// <summary>Attempts per job by default (seed 003: "Anzahl Sendeversuche").</summary>
    public int MaxTries { get; set; } = 3;

    public TimeSpan BusyDelay { get; set; } = TimeSpan.FromMinutes(3);

    public TimeSpan NoAnswerDelay { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan FailureDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Each further retry waits this factor longer.</summary>
    public double Backoff { get; set; } = 1.5;
}

public sealed class RetentionOptions
{
    /// <summary>Days faxes and documents are kept (seed 003: default 30).</summary>
    public int Days { get; set; } = 30;

    /// <summary>How often the clean-up runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

public sealed class LimitOptions
{
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    public int MaxPages { get; set; } = 200;

    public int MaxRecipients { get; set; } = 500;

    public int MaxDocuments { get; set; } = 20;

    /// <summary>Below this much free disk space new work is refused (seed 002: check the space for faxes).</summary>
    public long MinFreeDiskBytes { get; set; } = 200L * 1024 * 1024;

    public TimeSpan ConversionTimeout { get; set; } = TimeSpan.FromMinutes(2);
}

public sealed class WebOptions
{
    public string[] Urls { get; set; } = ["http://127.0.0.1:8025"];
}

public sealed class SecurityOptions
{
    /// <summary>PBKDF2 iterations for new password hashes.</summary>
    public int PasswordIterations { get; set; } = Accounts.PasswordHasher.DefaultIterations;
}

public sealed class DialingOptions
{
    /// <summary>Prefixes (E.164, e.g. +49900 premium rate) nobody may fax.</summary>
    public List<string> BlockedPrefixes { get; set; } = [];

    public List<TeamDialingRule> TeamRules { get; set; } = [];
}

/// <summary>Restrictions for the members of one team.</summary>
public sealed class TeamDialingRule
{
    public string Team { get; set; } = "";

    /// <summary>Only numbers in our own country.</summary>
    public bool NationalOnly { get; set; }

    public List<string> BlockedPrefixes { get; set; } = [];
}

/// <summary>What sent faxes cost and how many pages a user may send per month (seed 004: quotas, fees).
/// Defaults; an administrator can change them in the console (stored as settings).</summary>
public sealed class ChargingOptions
{
    public decimal CostPerPage { get; set; }

    /// <summary>Per started minute of an outgoing call.</summary>
    public decimal CostPerMinute { get; set; }

    public string Currency { get; set; } = "EUR";

    /// <summary>Pages a user may send per month before the console warns; 0 = no quota.</summary>
    public int MonthlyPageQuota { get; set; }

    /// <summary>Warn from this share of the quota on.</summary>
    public int QuotaWarningPercent { get; set; } = 80;
}
