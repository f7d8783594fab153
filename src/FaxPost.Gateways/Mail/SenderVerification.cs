using System.Text;
using MimeKit;
using MimeKit.Cryptography;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// Whether our own mail server vouched for the From address (RFC 8601 Authentication-Results):
/// a From header is easy to forge, so with <see cref="MailGatewayOptions.TrustedAuthServId"/> set, a
/// mail-to-fax message counts only when the topmost Authentication-Results header of that server
/// says dmarc=pass, or dkim=pass for the From domain, or spf=pass for it (seed 002: outsiders
/// must not send faxes at our cost). Headers of other servers are ignored (RFC 8601 §5: they are
/// not trusted).
/// </summary>
public static class SenderVerification
{
    public static bool IsVerified(HeaderList headers, string authServId, string fromAddress, out string reason)
    {
        int at = fromAddress.LastIndexOf('@');
        string domain = at >= 0 ? fromAddress[(at + 1)..].TrimEnd('.') : "";
        foreach (var header in headers.Where(h => h.Id == HeaderId.AuthenticationResults))
        {
            if (!AuthenticationResults.TryParse(header.RawValue, out var results) ||
                !string.Equals(results.AuthenticationServiceIdentifier, authServId, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // The first header of our own server (the topmost) is the one it added for this delivery.
            foreach (var result in results.Results)
            {
                if (!string.Equals(result.Result, "pass", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                string method = result.Method.ToLowerInvariant();
                if (method == "dmarc" && (Property(result, "header", "from") is not { } from || SameDomain(from, domain)))
                {
                    reason = "dmarc=pass";
                    return true;
                }

                if (method == "dkim" && Property(result, "header", "d") is { } d && SameDomain(d, domain))
                {
                    reason = $"dkim=pass (d={d})";
                    return true;
                }

                if (method == "spf" && Property(result, "smtp", "mailfrom") is { } mailFrom && SameDomain(DomainOf(mailFrom), domain))
                {
                    reason = $"spf=pass ({mailFrom})";
                    return true;
                }
            }

            reason = $"{authServId} did not confirm {domain} (no passing dmarc, dkim or spf for it)";
            return false;
        }

        reason = $"no Authentication-Results from {authServId}";
        return false;
    }

    private static string? Property(AuthenticationMethodResult result, string type, string name) =>
        result.Properties.FirstOrDefault(p => string.Equals(p.PropertyType, type, StringComparison.OrdinalIgnoreCase) && string.Equals(p.Property, name, StringComparison.OrdinalIgnoreCase))?.Value;

    private static string DomainOf(string address)
    {
        int at = address.LastIndexOf('@');
        return at >= 0 ? address[(at + 1)..] : address;
    }

    /// <summary>Equal, or the authenticated domain is a parent of the From domain (relaxed alignment, RFC 7489 §3.1).</summary>
    private static bool SameDomain(string authenticated, string from)
    {
        authenticated = authenticated.Trim().TrimEnd('.');
        return authenticated.Length > 0 && (from.Equals(authenticated, StringComparison.OrdinalIgnoreCase) || from.EndsWith("." + authenticated, StringComparison.OrdinalIgnoreCase));
    }
}
