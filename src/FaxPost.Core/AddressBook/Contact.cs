namespace FaxPost.Core.AddressBook;

/// <summary>An address book entry: central (OwnerUserId null, kept by the fax post office) or personal.</summary>
public sealed class Contact
{
    public long Id { get; set; }

    public long? OwnerUserId { get; set; }

    public required string Name { get; set; }

    public string? Company { get; set; }

    public string? FaxNumber { get; set; }

    /// <summary>When set, serial letters go to this address by e-mail instead of by fax (seed 001).</summary>
    public string? Email { get; set; }
}

/// <summary>A named list of contacts (central or personal).</summary>
public sealed class DistributionList
{
    public long Id { get; set; }

    public long? OwnerUserId { get; set; }

    public required string Name { get; set; }

    public List<long> ContactIds { get; set; } = [];
}
