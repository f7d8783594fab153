namespace FaxPost.Core.Accounts;

/// <summary>A group of users sharing a team mailbox and the rights granted to the team.</summary>
public sealed class Team
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public string? Email { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
