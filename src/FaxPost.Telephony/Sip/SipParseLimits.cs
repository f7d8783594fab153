namespace FaxPost.Telephony.Sip;

/// <summary>
/// Limits enforced while a SIP message is parsed (not after), so a hostile peer cannot make us
/// buffer or index more than this. Each rejection maps to a SIP status (see <see cref="SipParseError"/>).
/// </summary>
public sealed record SipParseLimits
{
    public static SipParseLimits Default { get; } = new();

    /// <summary>Whole message, start line + headers + body. Over it: 513 Message Too Large.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    /// <summary>Header fields (a folded field counts once). Over it: 400.</summary>
    public int MaxHeaderCount { get; init; } = 128;

    /// <summary>One header field including its continuation lines, or the start line. Over it: 400 (414 for a start line).</summary>
    public int MaxHeaderLineBytes { get; init; } = 8 * 1024;
}
