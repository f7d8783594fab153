using System.Globalization;

namespace FaxPost.Telephony.Sdp;

/// <summary>o= line (RFC 8866 §5.2).</summary>
public sealed record SdpOrigin(string Username, string SessionId, ulong SessionVersion, string NetType, string AddrType, string Address)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Username} {SessionId} {SessionVersion} {NetType} {AddrType} {Address}");
}

/// <summary>c= line (RFC 8866 §5.7): "IN IP4 192.0.2.1".</summary>
public sealed record SdpConnection(string NetType, string AddrType, string Address)
{
    public static SdpConnection For(string address) =>
        new("IN", address.Contains(':', StringComparison.Ordinal) ? "IP6" : "IP4", address);

    public override string ToString() => $"{NetType} {AddrType} {Address}";
}

/// <summary>An a= line: a property ("a=sendrecv", null value) or a value ("a=rtpmap:0 PCMU/8000").</summary>
public sealed record SdpAttribute(string Name, string? Value)
{
    public override string ToString() => Value is null ? Name : $"{Name}:{Value}";
}

/// <summary>rtpmap value (RFC 8866 §6.6): payload type, encoding, clock rate, channels.</summary>
public sealed record SdpRtpMap(int PayloadType, string Encoding, int ClockRate, int? Channels = null)
{
    public override string ToString() => Channels is int c
        ? string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {Encoding}/{ClockRate}/{c}")
        : string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {Encoding}/{ClockRate}");
}

/// <summary>Media direction attributes (RFC 8866 §6.7; RFC 3264 §6.1 for how an answer mirrors them).</summary>
public enum SdpDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// <summary>An SDP parse failure: the line number (1-based) and what was wrong.</summary>
public sealed class SdpFormatException : FormatException
{
    public SdpFormatException(int line, string message)
        : base($"SDP line {line}: {message}")
    {
        Line = line;
    }

    public int Line { get; }
}
