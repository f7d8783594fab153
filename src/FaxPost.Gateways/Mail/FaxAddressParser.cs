using MimeKit;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// Fax numbers in addresses: "+4989123456@fax.example.org" (E.164) or "0089123456@fax.example.org"
/// (dialled with the access code, like a subject). Only addresses in the configured fax domain count.
/// </summary>
public static class FaxAddressParser
{
    /// <summary>The number in the local part, or null when the address is not a fax address of <paramref name="faxDomain"/>.</summary>
    public static string? NumberOf(string address, string faxDomain)
    {
        int at = address.LastIndexOf('@');
        if (at < 1 || at == address.Length - 1 || string.IsNullOrEmpty(faxDomain))
        {
            return null;
        }

        var domain = address.AsSpan(at + 1).TrimEnd('.');
        if (!domain.Equals(faxDomain.AsSpan().Trim().TrimEnd('.'), StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var local = address.AsSpan(0, at).Trim('"');
        if (local.Length is 0 or > 40)
        {
            return null;
        }

        return SubjectParser.IsNumberLike(local) ? local.ToString() : null;
    }

    /// <summary>Every fax number among the message's To and Cc addresses.</summary>
    public static List<string> NumbersIn(MimeMessage message, string faxDomain)
    {
        var numbers = new List<string>();
        foreach (var mailbox in message.To.Mailboxes.Concat(message.Cc.Mailboxes))
        {
            if (mailbox.Address is { } a && NumberOf(a, faxDomain) is { } number && !numbers.Contains(number))
            {
                numbers.Add(number);
            }
        }

        return numbers;
    }
}
