namespace FaxPost.Fax.T30;

/// <summary>A DCS information field: the mode the sender commands for phase C (T.30 Table 2).</summary>
public sealed class DcsFrame
{
    public DcsFrame()
        : this(new FacilityBits())
    {
    }

    private DcsFrame(FacilityBits bits) => Bits = bits;

    public FacilityBits Bits { get; }

    public static bool TryParse(ReadOnlySpan<byte> fif, out DcsFrame dcs, out T30FrameError error)
    {
        if (fif.Length < 3)
        {
            dcs = new DcsFrame();
            error = T30FrameError.FifTooShort;
            return false;
        }

        dcs = new DcsFrame(FacilityBits.Read(fif));
        var code = dcs.Bits.Code(11, 4);
        error = RateFromCode(code) is null ? T30FrameError.BadFif : T30FrameError.None;
        return error == T30FrameError.None;
    }

    public int Write(Span<byte> destination) => Bits.Write(destination);

    public bool T38 { get => Bits[3]; set => Bits[3] = value; }

    /// <summary>Bit 10: the receiver is to receive.</summary>
    public bool Receive { get => Bits[10]; set => Bits[10] = value; }

    /// <summary>Bits 11–14: modem and rate (T.30 Table 2, DCS column).</summary>
    public T30Rate Rate
    {
        get => RateFromCode(Bits.Code(11, 4)) ?? new T30Rate(T30Modulation.V27ter, 2400);
        set => Bits.SetCode(11, 4, value switch
        {
            { Modulation: T30Modulation.V27ter, BitRate: 2400 } => 0b0000,
            { Modulation: T30Modulation.V27ter, BitRate: 4800 } => 0b0100,
            { Modulation: T30Modulation.V29, BitRate: 9600 } => 0b1000,
            { Modulation: T30Modulation.V29, BitRate: 7200 } => 0b1100,
            { Modulation: T30Modulation.V17, BitRate: 14400 } => 0b0001,
            { Modulation: T30Modulation.V17, BitRate: 12000 } => 0b0101,
            { Modulation: T30Modulation.V17, BitRate: 9600 } => 0b1001,
            { Modulation: T30Modulation.V17, BitRate: 7200 } => 0b1101,
            _ => throw new ArgumentOutOfRangeException(nameof(value), value, "no such T.30 rate"),
        });
    }

    private static T30Rate? RateFromCode(int code) => code switch
    {
        0b0000 => new T30Rate(T30Modulation.V27ter, 2400),
        0b0100 => new T30Rate(T30Modulation.V27ter, 4800),
        0b1000 => new T30Rate(T30Modulation.V29, 9600),
        0b1100 => new T30Rate(T30Modulation.V29, 7200),
        0b0001 => new T30Rate(T30Modulation.V17, 14400),
        0b0101 => new T30Rate(T30Modulation.V17, 12000),
        0b1001 => new T30Rate(T30Modulation.V17, 9600),
        0b1101 => new T30Rate(T30Modulation.V17, 7200),
        _ => null,
    };

    /// <summary>Bits 15, 41, 42, 43 pick the resolution; bit 44 says it is inch-based.</summary>
    public T30Resolution Resolution
    {
        get
        {
            var inch = Bits[44];
            if (Bits[42])
            {
                return T30Resolution.Inch300x300;
            }

            if (Bits[43])
            {
                return inch ? T30Resolution.Inch400x400 : T30Resolution.Ultrafine;
            }

            if (Bits[41])
            {
                return inch ? T30Resolution.Inch200x400 : T30Resolution.Superfine;
            }

            if (Bits[15])
            {
                return inch ? T30Resolution.Inch200x200 : T30Resolution.Fine;
            }

            return inch ? T30Resolution.Inch200x100 : T30Resolution.Standard;
        }

        set
        {
            Bits[15] = value is T30Resolution.Fine or T30Resolution.Inch200x200;
            Bits[41] = value is T30Resolution.Superfine or T30Resolution.Inch200x400;
            Bits[42] = value is T30Resolution.Inch300x300;
            Bits[43] = value is T30Resolution.Ultrafine or T30Resolution.Inch400x400;
            Bits[44] = value is T30Resolution.Inch200x100 or T30Resolution.Inch200x200 or T30Resolution.Inch200x400 or
                T30Resolution.Inch300x300 or T30Resolution.Inch400x400;
        }
    }

    /// <summary>Bits 16 (MR) and 31 (MMR, only with ECM).</summary>
    public T30Compression Compression
    {
        get => Bits[31] ? T30Compression.MMR : Bits[16] ? T30Compression.MR : T30Compression.MH;
        set
        {
            Bits[16] = value == T30Compression.MR;
            Bits[31] = value == T30Compression.MMR;
        }
    }

    /// <summary>Bits 17–18: 00 = 1728, 10 = 2048, 01 = 2432 pels.</summary>
    public T30PageWidth Width { get => Bits.Width; set => Bits.Width = value; }

    /// <summary>Bits 19–20: 00 = A4, 10 = B4, 01 = unlimited.</summary>
    public T30PageLength Length { get => Bits.Length; set => Bits.Length = value; }

    /// <summary>Bits 21–23: the minimum scan line time the sender will keep, in ms.</summary>
    public int MinScanLineTimeMs
    {
        get => Bits.Code(21, 3) switch
        {
            0b000 => 20,
            0b001 => 40,
            0b010 => 10,
            0b100 => 5,
            _ => 0,
        };
        set => Bits.SetCode(21, 3, value switch
        {
            0 => 0b111,
            5 => 0b100,
            10 => 0b010,
            20 => 0b000,
            40 => 0b001,
            _ => throw new ArgumentOutOfRangeException(nameof(value), value, "T.30 scan line times are 0, 5, 10, 20 or 40 ms"),
        });
    }

    /// <summary>Bit 27: error correction mode.</summary>
    public bool Ecm { get => Bits[27]; set => Bits[27] = value; }

    /// <summary>Bit 28: ECM frames of 64 octets instead of 256.</summary>
    public bool Ecm64OctetFrames { get => Bits[28]; set => Bits[28] = value; }

    public int EcmFrameSize => Ecm64OctetFrames ? 64 : 256;

    /// <summary>Bit 49: a SUB frame is sent with this DCS.</summary>
    public bool SubaddressFollows { get => Bits[49]; set => Bits[49] = value; }

    /// <summary>Bit 50: a SID (sender identification / password) frame is sent with this DCS.</summary>
    public bool SenderIdFollows { get => Bits[50]; set => Bits[50] = value; }
}
