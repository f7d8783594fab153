using FaxPost.Core.Numbering;

namespace FaxPost.Telephony.Trunks;

/// <summary>
/// Numbers between the post office (E.164, from <see cref="OrganisationNumbering"/>) and a trunk,
/// which wants them in its own form: outbound the number to dial, inbound the dialled and calling
/// numbers turned back into something Core's <c>InboundRouter</c> reads (E.164 when the form says so).
/// </summary>
public sealed class TrunkDialPlan
{
    private const int MaxNumberLength = 64;
    private readonly OrganisationNumbering _numbering;

    public TrunkDialPlan(OrganisationNumbering numbering)
    {
        ArgumentNullException.ThrowIfNull(numbering);
        _numbering = numbering;
    }

    /// <summary>What we put in the Request-URI and To user part for an E.164 destination.</summary>
    public string ToTrunk(string e164, SipTrunkOptions trunk)
    {
        ArgumentNullException.ThrowIfNull(e164);
        ArgumentNullException.ThrowIfNull(trunk);
        if (!SipTrunkOptions.IsE164(e164))
        {
            throw new ArgumentException($"'{e164}' is not an E.164 number.", nameof(e164));
        }

        var number = trunk.NumberFormat switch
        {
            TrunkNumberFormat.E164 => e164,
            TrunkNumberFormat.E164WithoutPlus => e164[1..],
            TrunkNumberFormat.National => _numbering.ToDialString(e164),
            TrunkNumberFormat.NationalWithAccessCode => _numbering.AccessCode + _numbering.ToDialString(e164),
            _ => throw new ArgumentOutOfRangeException(nameof(trunk), trunk.NumberFormat, "unknown number format"),
        };
        return trunk.DialPrefix + number;
    }

    /// <summary>Our caller ID on this trunk: the trunk's fixed number, else the sending mailbox's, in the trunk's form.</summary>
    public string? CallerIdFor(SipTrunkOptions trunk, string? mailboxNumber)
    {
        var e164 = trunk.FromNumber.Length > 0 ? trunk.FromNumber : mailboxNumber;
        if (e164 is null || !SipTrunkOptions.IsE164(e164))
        {
            return null;
        }

        return trunk.NumberFormat switch
        {
            TrunkNumberFormat.E164WithoutPlus => e164[1..],
            TrunkNumberFormat.National or TrunkNumberFormat.NationalWithAccessCode => _numbering.ToDialString(e164),
            _ => e164,
        };
    }

    /// <summary>
    /// A number the trunk signalled (dialled or calling), as the post office reads numbers: "+…" when
    /// the trunk's form tells us the country, short digit strings left as extensions, anything else
    /// (a name, "anonymous") kept as text for the fax post office to see. Null for nothing usable.
    /// </summary>
    public string? FromTrunk(string? signalled, SipTrunkOptions trunk)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        if (string.IsNullOrWhiteSpace(signalled))
        {
            return null;
        }

        // RFC 3966 §5.1: parameters (";phone-context=", ";isub=") follow the number in a user part.
        var text = signalled.Trim();
        var semi = text.IndexOf(';', StringComparison.Ordinal);
        if (semi >= 0)
        {
            text = text[..semi];
        }

        if (text.Length == 0)
        {
            return null;
        }

        if (text.Length > MaxNumberLength)
        {
            text = text[..MaxNumberLength];
        }

        Span<char> digits = stackalloc char[MaxNumberLength];
        var n = 0;
        var plus = false;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits[n++] = c;
            }
            else if (c == '+' && n == 0 && !plus)
            {
                plus = true;
            }
            else if (c is not ('-' or '.' or '(' or ')' or ' '))
            {
                // Not a number (sip:fax@..., "anonymous"): keep it for people to read.
                return text;
            }
        }

        if (n == 0)
        {
            return null;
        }

        var d = new string(digits[..n]);
        if (n > 15)
        {
            // E.164 §6: at most 15 digits; whatever this is, it is not a number we can read.
            return plus ? "+" + d : d;
        }

        if (plus)
        {
            return "+" + d;
        }

        if (n <= _numbering.MaxExtensionLength)
        {
            return d;
        }

        if (trunk.NumberFormat == TrunkNumberFormat.E164WithoutPlus)
        {
            return "+" + d;
        }

        if (trunk.NumberFormat == TrunkNumberFormat.E164)
        {
            // A trunk that speaks E.164 but sent bare digits: "00…" and "0…" still say what they are.
            if (!d.StartsWith('0'))
            {
                return "+" + d;
            }
        }

        var parsed = _numbering.Parse(d);
        return parsed.IsValid ? parsed.E164 : d;
    }
}
