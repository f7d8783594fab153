using System.Globalization;
using System.Net;

namespace FaxPost.Telephony.Sip.Dns;

/// <summary>Which nameservers a <see cref="DnsResolver"/> asks and how patiently.</summary>
public sealed record DnsResolverOptions
{
    /// <summary>Nameservers in the order they are tried (port 53 unless given).</summary>
    public IReadOnlyList<IPEndPoint> Servers { get; init; } = [];

    /// <summary>How long one query waits for one server's answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Rounds through the server list before giving up.</summary>
    public int Attempts { get; init; } = 2;

    /// <summary>Longest any answer is kept, whatever its TTL says.</summary>
    public TimeSpan MaxTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long "no such name / no such record" is kept when the answer has no SOA (RFC 2308 §5).</summary>
    public TimeSpan NegativeTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most names kept in the cache; the cache is cleared of expired entries, then emptied, past it.</summary>
    public int MaxCacheEntries { get; init; } = 1024;

    /// <summary>
    /// The nameservers and timeouts of a resolv.conf (nameserver lines; options timeout:n attempts:n).
    /// No nameserver line means the local one (127.0.0.1), as the C library does.
    /// </summary>
    public static DnsResolverOptions FromResolvConf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var servers = new List<IPEndPoint>();
        var options = new DnsResolverOptions();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#', ';')[0].Trim();
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2)
            {
                continue;
            }

            if (fields[0] == "nameserver" && IPAddress.TryParse(fields[1].Split('%')[0], out var address))
            {
                servers.Add(new IPEndPoint(address, 53));
            }
            else if (fields[0] == "options")
            {
                foreach (var option in fields.Skip(1))
                {
                    var parts = option.Split(':');
                    if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
                    {
                        options = parts[0] switch
                        {
                            "timeout" => options with { Timeout = TimeSpan.FromSeconds(Math.Min(n, 30)) },
                            "attempts" => options with { Attempts = Math.Min(n, 5) },
                            _ => options,
                        };
                    }
                }
            }
        }

        if (servers.Count == 0)
        {
            servers.Add(new IPEndPoint(IPAddress.Loopback, 53));
        }

        return options with { Servers = servers };
    }

    /// <summary>The system's settings from /etc/resolv.conf (the local nameserver when it cannot be read).</summary>
    public static DnsResolverOptions FromSystem(string path = "/etc/resolv.conf")
    {
        try
        {
            return FromResolvConf(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FromResolvConf(string.Empty);
        }
    }

    internal void Validate()
    {
        if (Servers.Count == 0)
        {
            throw new ArgumentException("A DNS resolver needs at least one nameserver.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(Attempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCacheEntries, 1);
    }
}
