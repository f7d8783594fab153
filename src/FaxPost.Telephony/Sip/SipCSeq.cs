namespace FaxPost.Telephony.Sip;

/// <summary>CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16); the number must be below 2**31 (§8.1.1.5).</summary>
public readonly record struct SipCSeq(uint Number, string Method)
{
    public const uint MaxNumber = int.MaxValue;

    public static bool TryParse(ReadOnlySpan<char> text, out SipCSeq cseq)
    {
        cseq = default;
        var r = new SipTextReader(text);
        r.SkipLws();
        var digits = r.ReadWhile(char.IsAsciiDigit);
        var before = r.Pos;
        r.SkipLws();
        if (r.Pos == before || !SipChars.TryParseDigits(digits, MaxNumber, out var number))
        {
            return false;
        }

        var method = r.ReadToken();
        r.SkipLws();
        if (method.IsEmpty || !r.End)
        {
            return false;
        }

        cseq = new SipCSeq((uint)number, new string(method));
        return true;
    }

    public override string ToString() => $"{Number} {Method}";
}
