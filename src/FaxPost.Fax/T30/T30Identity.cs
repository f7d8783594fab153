using System.Text;

namespace FaxPost.Fax.T30;

/// <summary>
/// CSI/TSI/CIG and SUB/SID/PWD information fields (T.30 §5.3.6.2.4–5.3.6.2.11): 20 characters,
/// space-padded, the last character of the number sent first.
/// </summary>
public static class T30Identity
{
    public const int Length = 20;

    /// <summary>Characters allowed: digits, '+', space (identities), '#' and '*' (SUB/SID/PWD).</summary>
    public static bool IsAllowed(char c) => c is (>= '0' and <= '9') or '+' or ' ' or '#' or '*';

    /// <summary>Writes the 20-octet field; false if the text is too long or has characters T.30 does not allow.</summary>
    public static bool TryEncode(string text, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > Length || destination.Length < Length)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsAllowed(c))
            {
                return false;
            }
        }

        var field = destination[..Length];
        field.Fill((byte)' ');
        for (var i = 0; i < text.Length; i++)
        {
            field[text.Length - 1 - i] = (byte)text[i];
        }

        return true;
    }

    /// <summary>Reads the field back: reverse order, padding removed. Characters outside printable ASCII become '?'.</summary>
    public static string Decode(ReadOnlySpan<byte> field)
    {
        var n = Math.Min(field.Length, Length);
        Span<char> chars = stackalloc char[Length];
        for (var i = 0; i < n; i++)
        {
            var b = field[n - 1 - i];
            chars[i] = b is >= 0x20 and < 0x7F ? (char)b : '?';
        }

        return new StringBuilder(Length).Append(chars[..n]).ToString().Trim(' ');
    }
}
