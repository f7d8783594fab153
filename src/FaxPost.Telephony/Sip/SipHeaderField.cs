namespace FaxPost.Telephony.Sip;

/// <summary>Where one header field sits in the message bytes (offsets from the message start).</summary>
internal readonly record struct SipHeaderField(
    SipHeaderKind Kind, int NameStart, int NameLength, int ValueStart, int ValueLength, bool Folded);
