namespace FaxPost.Core.Accounts;

/// <summary>A person who uses the fax server. Users who have left keep their record (for the logs)
/// but can neither log in nor receive faxes: their faxes go to the fax post office.</summary>
public sealed class User
{
    public long Id { get; set; }

    public required string Login { get; set; }

    public required string DisplayName { get; set; }

    public string? Email { get; set; }

    /// <summary>Encoded password hash (<see cref="PasswordHasher"/>); null = cannot log in with a password.</summary>
    public string? PasswordHash { get; set; }

    public Role Roles { get; set; }

    /// <summary>False once the user has left the organisation.</summary>
    public bool Active { get; set; } = true;

    /// <summary>Optional PIN required in mail-to-fax subjects (hashed like a password).</summary>
    public string? PinHash { get; set; }

    public int FailedLogins { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Roles that are not tied to one mailbox (seed 000: the fax post office).</summary>
[Flags]
public enum Role
{
    None = 0,
    Administrator = 1,
    PostOffice = 2,
}
