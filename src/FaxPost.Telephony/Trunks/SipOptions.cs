using System.Net;

namespace FaxPost.Telephony.Trunks;

/// <summary>
/// The "Sip" section of faxpost.json: where the user agent listens, the trunks it uses, and the
/// inbound flood limit. Plain settable properties so the configuration binder fills them;
/// <see cref="Validate"/> names every problem with its configuration key.
/// </summary>
public sealed class SipOptions
{
    /// <summary>Where SIP is received: at least one entry, at most one per transport.</summary>
    public List<SipListenOptions> Listen { get; set; } = [];

    /// <summary>Host or address put in Via, Contact and SDP when it differs from the listening one (NAT); empty for the listening address.</summary>
    public string PublicAddress { get; set; } = "";

    public SipRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>
    /// Nameservers for trunk names (NAPTR/SRV/A/AAAA, RFC 3263) as address or address:port ([v6]:port);
    /// empty for those of /etc/resolv.conf.
    /// </summary>
    public List<string> Nameservers { get; set; } = [];

    public List<SipTrunkOptions> Trunks { get; set; } = [];

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Listen.Count == 0)
        {
            errors.Add("Sip:Listen must list at least one address, e.g. { \"Transport\": \"udp\", \"Address\": \"0.0.0.0\", \"Port\": 5060 }.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Listen.Count; i++)
        {
            var l = Listen[i];
            var key = $"Sip:Listen:{i}";
            if (!IPAddress.TryParse(l.Address, out _))
            {
                errors.Add($"{key}:Address must be an IP address (0.0.0.0 or :: for every interface), not '{l.Address}'.");
            }

            if (l.Port is < 0 or > 65535)
            {
                errors.Add($"{key}:Port must be between 0 and 65535, not {l.Port}.");
            }

            if (l.Transport == SipTrunkTransport.Tls && string.IsNullOrWhiteSpace(l.Certificate))
            {
                errors.Add($"{key}:Certificate must name a PEM or PFX file for a TLS listener.");
            }

            if (!seen.Add(l.Transport.ToString()))
            {
                errors.Add($"{key}: one listening address per transport; {l.Transport} is listed twice.");
            }
        }

        if (PublicAddress.Length > 0 && !IPAddress.TryParse(PublicAddress, out _) && Uri.CheckHostName(PublicAddress) != UriHostNameType.Dns)
        {
            errors.Add($"Sip:PublicAddress must be an IP address or host name, not '{PublicAddress}'.");
        }

        for (var i = 0; i < Nameservers.Count; i++)
        {
            if (!IPEndPoint.TryParse(Nameservers[i], out _))
            {
                errors.Add($"Sip:Nameservers:{i} must be an IP address, optionally with :port, not '{Nameservers[i]}'.");
            }
        }

        if (RateLimit.RequestsPerSecond <= 0 || RateLimit.Burst < 1)
        {
            errors.Add("Sip:RateLimit:RequestsPerSecond must be positive and Sip:RateLimit:Burst at least 1.");
        }

        if (Trunks.Count == 0)
        {
            errors.Add("Sip:Trunks must list at least one trunk (a carrier or PBX to send and receive faxes through).");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Trunks.Count; i++)
        {
            var t = Trunks[i];
            var key = $"Sip:Trunks:{i}";
            if (!string.IsNullOrWhiteSpace(t.Name) && !names.Add(t.Name))
            {
                errors.Add($"{key}:Name '{t.Name}' is used by another trunk; trunk names must be unique.");
            }

            t.Validate(key, errors);
        }

        return errors;
    }
}

/// <summary>The transport a trunk or listener uses (RFC 3261 §18).</summary>
public enum SipTrunkTransport
{
    Udp = 1,
    Tcp = 2,
    Tls = 3,
}

/// <summary>One listening socket.</summary>
public sealed class SipListenOptions
{
    public SipTrunkTransport Transport { get; set; } = SipTrunkTransport.Udp;

    public string Address { get; set; } = "0.0.0.0";

    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; set; } = 5060;

    /// <summary>TLS only: certificate file (PFX, or PEM with its key beside it).</summary>
    public string? Certificate { get; set; }
}

/// <summary>Per source address: requests let through per second, and the burst allowed before that rate applies.</summary>
public sealed class SipRateLimitOptions
{
    public double RequestsPerSecond { get; set; } = 10;

    public int Burst { get; set; } = 40;

    /// <summary>Source addresses tracked at once; beyond this new sources share one bucket.</summary>
    public int MaxSources { get; set; } = 10_000;
}
