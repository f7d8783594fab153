namespace FaxPost.Telephony.Sip.Dns;

/// <summary>A DNS message that does not follow RFC 1035 §4 (cut short, a bad name, a compression loop...).</summary>
public sealed class DnsFormatException : Exception
{
    public DnsFormatException()
    {
    }

    public DnsFormatException(string message)
        : base(message)
    {
    }

    public DnsFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Where in the message the problem was found.</summary>
    public int Offset { get; init; } = -1;
}

/// <summary>No nameserver gave a usable answer (all timed out, refused, failed or sent garbage).</summary>
public sealed class DnsResolveException : Exception
{
    public DnsResolveException()
    {
    }

    public DnsResolveException(string message)
        : base(message)
    {
    }

    public DnsResolveException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
