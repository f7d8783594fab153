namespace FaxPost.Telephony.Sip;

/// <summary>RFC 3261 §25.1 character classes as byte tests.</summary>
internal static class SipChars
{
    // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    private static ReadOnlySpan<byte> TokenTable =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        // SP ! " # $ % & ' ( ) * + , - . /
        0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0,
        // 0-9 : ; < = > ?
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
        // @ A-O
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        // P-Z [ \ ] ^ _
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
        // ` a-o
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        // p-z { | } ~ DEL
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0,
    ];

    public static bool IsToken(byte b) => b < 128 && TokenTable[b] != 0;

    public static bool IsToken(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var b in s)
        {
            if (!IsToken(b))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c >= 128 || TokenTable[c] == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>SP or HT; after in-place unfolding CR and LF inside a value are already SP.</summary>
    public static bool IsWs(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    public static bool IsWs(char c) => c is ' ' or '\t' or '\r' or '\n';

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        var start = 0;
        while (start < s.Length && IsWs(s[start]))
        {
            start++;
        }

        var end = s.Length;
        while (end > start && IsWs(s[end - 1]))
        {
            end--;
        }

        return s[start..end];
    }

    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> s)
    {
        var start = 0;
        while (start < s.Length && IsWs(s[start]))
        {
            start++;
        }

        var end = s.Length;
        while (end > start && IsWs(s[end - 1]))
        {
            end--;
        }

        return s[start..end];
    }

    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>Parses 1*DIGIT into a value no larger than <paramref name="max"/>; leading zeros allowed.</summary>
    public static bool TryParseDigits(ReadOnlySpan<byte> s, long max, out long value)
    {
        value = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var b in s)
        {
            if (!IsDigit(b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
            if (value > max)
            {
                return false;
            }
        }

        return true;
    }

    public static bool TryParseDigits(ReadOnlySpan<char> s, long max, out long value)
    {
        value = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var c in s)
        {
            if ((uint)(c - '0') > 9)
            {
                return false;
            }

            value = (value * 10) + (c - '0');
            if (value > max)
            {
                return false;
            }
        }

        return true;
    }
}
