namespace FaxPost.Core.Numbering;

/// <summary>
/// The organisation's numbering plan (seed 003): country code, area code without the trunk
/// prefix, base number, and extensions behind it. Turns what people type into E.164 numbers,
/// recognises our own extensions (internal faxes never leave the building, seed 002), and
/// turns E.164 numbers back into what a trunk expects.
/// </summary>
public sealed class OrganisationNumbering
{
    public required string CountryCode { get; init; }

    public required string AreaCode { get; init; }

    public required string BaseNumber { get; init; }

    /// <summary>Digit(s) dialled to get an outside line, e.g. "0"; empty if none.</summary>
    public string AccessCode { get; init; } = "";

    public string InternationalPrefix { get; init; } = "00";

    public string NationalPrefix { get; init; } = "0";

    /// <summary>Length of internal extensions; numbers of this length (or shorter) are extensions.</summary>
    public int MaxExtensionLength { get; init; } = 4;

    /// <summary>E.164 of the base number, e.g. +49891234.</summary>
    public string BaseE164 => "+" + CountryCode + AreaCode + BaseNumber;

    /// <summary>
    /// Interprets a number as a person would type it: "+49 89 1234-56", "0049891234 56", "089 123456"
    /// (national), "123456" (local), or a bare extension "56". With <paramref name="withAccessCode"/>
    /// the number is read as dialled on the PBX (seed 003's mail-to-fax subject): outside numbers
    /// start with the access code, which is removed; anything else is an extension.
    /// </summary>
    public PhoneNumberResult Parse(string input, bool withAccessCode = false)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return PhoneNumberResult.Invalid("the number is empty");
        }

        if (input.Length > 64)
        {
            return PhoneNumberResult.Invalid("the number is too long");
        }

        Span<char> digits = stackalloc char[64];
        int n = 0;
        bool plus = false;
        foreach (char c in input.Trim())
        {
            if (c is >= '0' and <= '9')
            {
                digits[n++] = c;
            }
            else if (c == '+' && n == 0 && !plus)
            {
                plus = true;
            }
            else if (c is ' ' or '-' or '/' or '(' or ')' or '.')
            {
                continue;
            }
            else
            {
                return PhoneNumberResult.Invalid($"'{c}' is not allowed in a fax number");
            }
        }

        if (n == 0)
        {
            return PhoneNumberResult.Invalid("the number has no digits");
        }

        string d = new(digits[..n]);
        string e164;
        if (plus)
        {
            e164 = "+" + d;
        }
        else if (n <= MaxExtensionLength)
        {
            return PhoneNumberResult.Extension(d, BaseE164 + d);
        }
        else
        {
            if (withAccessCode && AccessCode.Length > 0)
            {
                if (!d.StartsWith(AccessCode, StringComparison.Ordinal))
                {
                    return PhoneNumberResult.Invalid($"outside numbers start with the access code {AccessCode}");
                }

                d = d[AccessCode.Length..];
                if (d.Length == 0)
                {
                    return PhoneNumberResult.Invalid("only the access code was given");
                }
            }

            if (d.StartsWith(InternationalPrefix, StringComparison.Ordinal))
            {
                e164 = "+" + d[InternationalPrefix.Length..];
            }
            else if (NationalPrefix.Length > 0 && d.StartsWith(NationalPrefix, StringComparison.Ordinal))
            {
                e164 = "+" + CountryCode + d[NationalPrefix.Length..];
            }
            else
            {
                e164 = "+" + CountryCode + AreaCode + d;
            }
        }

        // E.164 §6: at most 15 digits; fewer than 7 cannot be a public number.
        int length = e164.Length - 1;
        if (length > 15)
        {
            return PhoneNumberResult.Invalid("the number has more than 15 digits (E.164)");
        }

        if (length < 7)
        {
            return PhoneNumberResult.Invalid("the number is too short");
        }

        string? extension = ExtensionOf(e164);
        return extension is null ? PhoneNumberResult.External(e164) : PhoneNumberResult.Extension(extension, e164);
    }

    /// <summary>The extension when an E.164 number is one of ours (base number + extension), else null.</summary>
    public string? ExtensionOf(string e164)
    {
        string baseE164 = BaseE164;
        if (e164.StartsWith(baseE164, StringComparison.Ordinal))
        {
            string rest = e164[baseE164.Length..];
            return rest.Length <= MaxExtensionLength ? rest : null;
        }

        return null;
    }

    /// <summary>A number as a trunk in our country dials it: national numbers with the national prefix,
    /// foreign ones with the international prefix (no access code; trunks do not need one).</summary>
    public string ToDialString(string e164)
    {
        string digits = e164.TrimStart('+');
        return digits.StartsWith(CountryCode, StringComparison.Ordinal)
            ? NationalPrefix + digits[CountryCode.Length..]
            : InternationalPrefix + digits;
    }
}

public enum NumberKind
{
    Invalid = 0,
    External = 1,
    Extension = 2,
}

/// <summary>Result of <see cref="OrganisationNumbering.Parse"/>: an external E.164 number, one of our
/// extensions (with its E.164 form), or invalid with a reason for people.</summary>
public readonly record struct PhoneNumberResult(NumberKind Kind, string? E164, string? ExtensionDigits, string? Error)
{
    public bool IsValid => Kind != NumberKind.Invalid;

    public static PhoneNumberResult Invalid(string error) => new(NumberKind.Invalid, null, null, error);

    public static PhoneNumberResult External(string e164) => new(NumberKind.External, e164, null, null);

    public static PhoneNumberResult Extension(string extension, string e164) => new(NumberKind.Extension, e164, extension, null);
}
