namespace FaxPost.Fax.T30;

/// <summary>Why an HDLC frame is not a usable T.30 frame.</summary>
public enum T30FrameError : byte
{
    None = 0,
    /// <summary>Fewer than the three octets of address, control and FCF.</summary>
    TooShort,
    /// <summary>Longer than any T.30 frame (an ECM frame is 4 + 256 octets).</summary>
    TooLong,
    /// <summary>Address octet is not 0xFF (T.30 §5.3.4).</summary>
    BadAddress,
    /// <summary>Control octet is neither 0x03 nor 0x13 (T.30 §5.3.5).</summary>
    BadControl,
    UnknownFcf,
    /// <summary>The information field is too short for this frame type.</summary>
    FifTooShort,
    /// <summary>The information field is longer than this frame type allows.</summary>
    FifTooLong,
    /// <summary>The information field has values the frame type does not allow.</summary>
    BadFif,
}

/// <summary>
/// A parsed T.30 HDLC frame (T.30 §5.3): address 0xFF, control 0x03 (more frames follow) or 0x13
/// (final frame), FCF, then the facsimile information field. The FCS is not included (T.38 never
/// carries it). Octets are in HDLC order (first bit sent = least significant). A view over the input.
/// </summary>
public readonly ref struct T30Frame
{
    public const byte Address = 0xFF;
    public const byte ControlNotFinal = 0x03;
    public const byte ControlFinal = 0x13;

    /// <summary>Longest frame accepted: an ECM FCD frame of 256 octets plus its frame number, with room for NSF.</summary>
    public const int MaxLength = 3 + 1 + 256;

    internal T30Frame(T30FrameType type, bool isFinal, bool x, byte fcf, ReadOnlySpan<byte> fif)
    {
        Type = type;
        IsFinal = isFinal;
        XBit = x;
        Fcf = fcf;
        Fif = fif;
    }

    public T30FrameType Type { get; }

    /// <summary>Control 0x13: the last frame of this transmission.</summary>
    public bool IsFinal { get; }

    public bool XBit { get; }

    /// <summary>The FCF octet as received.</summary>
    public byte Fcf { get; }

    /// <summary>The facsimile information field.</summary>
    public ReadOnlySpan<byte> Fif { get; }

    /// <summary>Parses a frame (without FCS) and checks its FIF length against its type.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out T30Frame parsed, out T30FrameError error)
    {
        parsed = default;
        error = Check(frame);
        if (error != T30FrameError.None)
        {
            return false;
        }

        var type = T30Fcf.Identify(frame[2]);
        var fif = frame[3..];
        error = CheckFif(type, fif);
        if (error != T30FrameError.None)
        {
            return false;
        }

        parsed = new T30Frame(type, frame[1] == ControlFinal, T30Fcf.HasXBit(type) && (frame[2] & T30Fcf.XBit) != 0, frame[2], fif);
        return true;
    }

    private static T30FrameError Check(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 3)
        {
            return T30FrameError.TooShort;
        }

        if (frame.Length > MaxLength)
        {
            return T30FrameError.TooLong;
        }

        if (frame[0] != Address)
        {
            return T30FrameError.BadAddress;
        }

        if (frame[1] is not (ControlNotFinal or ControlFinal))
        {
            return T30FrameError.BadControl;
        }

        return T30Fcf.Identify(frame[2]) == T30FrameType.Unknown ? T30FrameError.UnknownFcf : T30FrameError.None;
    }

    private static T30FrameError CheckFif(T30FrameType type, ReadOnlySpan<byte> fif)
    {
        switch (type)
        {
            case T30FrameType.Dis or T30FrameType.Dtc or T30FrameType.Dcs:
                // T.30 Table 2: at least 3 octets. Octets past a clear extend bit, or a missing octet an
                // extend bit promised, are tolerated as real terminals send both; the reader ignores them.
                return fif.Length < 3 ? T30FrameError.FifTooShort : fif.Length > FacilityBits.MaxOctets ? T30FrameError.FifTooLong : T30FrameError.None;
            case T30FrameType.Csi or T30FrameType.Tsi or T30FrameType.Cig or T30FrameType.Sub or T30FrameType.Sid or
                T30FrameType.Pwd or T30FrameType.Sep:
                // T.30 §5.3.6.2.4: 20 numeric characters.
                return fif.Length < T30Identity.Length ? T30FrameError.FifTooShort :
                    fif.Length > T30Identity.Length ? T30FrameError.FifTooLong : T30FrameError.None;
            case T30FrameType.Nsf or T30FrameType.Nsc or T30FrameType.Nss:
                // T.35 country code at least.
                return fif.IsEmpty ? T30FrameError.FifTooShort : T30FrameError.None;
            case T30FrameType.Pps:
                return fif.Length < 4 ? T30FrameError.FifTooShort : fif.Length > 4 ? T30FrameError.FifTooLong : T30FrameError.None;
            case T30FrameType.Ppr:
                return fif.Length < 32 ? T30FrameError.FifTooShort : fif.Length > 32 ? T30FrameError.FifTooLong : T30FrameError.None;
            case T30FrameType.Ctc:
                // T.30 A.5: the FIF is DCS octets 2 (bits 9–16), the new data signalling rate.
                return fif.Length < 1 ? T30FrameError.FifTooShort : fif.Length > 2 ? T30FrameError.FifTooLong : T30FrameError.None;
            case T30FrameType.Eor:
                // T.30 A.4: EOR carries the post-message command it stands for (EOR-NULL, EOR-MPS, ...).
                return fif.IsEmpty ? T30FrameError.FifTooShort : fif.Length > 1 ? T30FrameError.FifTooLong : T30FrameError.None;
            case T30FrameType.Fcd:
                return fif.Length < 2 ? T30FrameError.FifTooShort : fif.Length > 257 ? T30FrameError.FifTooLong : T30FrameError.None;
            case T30FrameType.Fnv:
                return T30FrameError.None;
            default:
                return fif.IsEmpty ? T30FrameError.None : T30FrameError.FifTooLong;
        }
    }

    /// <summary>Writes a frame: address, control, FCF (with the X bit where the type has one), FIF.</summary>
    public static int Write(Span<byte> destination, T30FrameType type, bool x, bool isFinal, ReadOnlySpan<byte> fif)
    {
        if (type == T30FrameType.Unknown)
        {
            throw new ArgumentOutOfRangeException(nameof(type));
        }

        var length = 3 + fif.Length;
        if (length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(fif), fif.Length, "longer than any T.30 frame");
        }

        if (destination.Length < length)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }

        destination[0] = Address;
        destination[1] = isFinal ? ControlFinal : ControlNotFinal;
        destination[2] = T30Fcf.Encode(type, x);
        fif.CopyTo(destination[3..]);
        return length;
    }
}
