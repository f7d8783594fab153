namespace FaxPost.Fax.T30;

/// <summary>
/// A DIS (or DTC) information field: what the far end can do (T.30 Table 2). Typed views over
/// <see cref="Bits"/>; bits not modelled here stay readable there.
/// </summary>
public sealed class DisFrame
{
    public DisFrame()
        : this(new FacilityBits())
    {
    }

    private DisFrame(FacilityBits bits) => Bits = bits;

    public FacilityBits Bits { get; }

    public static bool TryParse(ReadOnlySpan<byte> fif, out DisFrame dis, out T30FrameError error)
    {
        dis = new DisFrame();
        if (fif.Length < 3)
        {
            error = T30FrameError.FifTooShort;
            return false;
        }

        error = T30FrameError.None;
        dis = new DisFrame(FacilityBits.Read(fif));
        return true;
    }

    /// <summary>The DIS we send for <paramref name="caps"/>: ready to receive, T.38 capable.</summary>
    public static DisFrame For(T30Capabilities caps)
    {
        ArgumentNullException.ThrowIfNull(caps);
        return new DisFrame
        {
            T38 = true,
            ReadyToReceive = true,
            Modems = caps.Modems,
            Fine = caps.Fine,
            Superfine = caps.Superfine,
            Ultrafine = caps.Ultrafine,
            Res300x300 = caps.Res300x300,
            MetricPreferred = true,
            TwoDimensional = caps.TwoDimensional,
            Ecm = caps.Ecm,
            T6 = caps.T6 && caps.Ecm,
            MaxWidth = caps.MaxWidth,
            MaxLength = caps.MaxLength,
            MinScanLineTimeMs = caps.MinScanLineTimeMs,
            // We take SUB and SID/PWD (for routing and checks by the host).
            Subaddressing = true,
            Password = true,
        };
    }

    public int Write(Span<byte> destination) => Bits.Write(destination);

    public bool T37 { get => Bits[1]; set => Bits[1] = value; }

    public bool T38 { get => Bits[3]; set => Bits[3] = value; }

    public bool Prefers64OctetFrames { get => Bits[7]; set => Bits[7] = value; }

    /// <summary>Bit 9: a document is waiting to be polled.</summary>
    public bool ReadyToTransmit { get => Bits[9]; set => Bits[9] = value; }

    /// <summary>Bit 10: the terminal can receive.</summary>
    public bool ReadyToReceive { get => Bits[10]; set => Bits[10] = value; }

    /// <summary>Bits 11–14 (T.30 Table 2): 0000 V.27 ter fallback (2400 only), 0100 V.27 ter, 1000 V.29, 1100 both, 1101 plus V.17.</summary>
    public T30ModemSupport Modems
    {
        get => Bits.Code(11, 4) switch
        {
            0b0100 => T30ModemSupport.V27ter,
            0b1000 => T30ModemSupport.V29,
            0b1100 or 0b1110 => T30ModemSupport.V27ter | T30ModemSupport.V29,
            0b1101 or 0b1111 => T30ModemSupport.V27ter | T30ModemSupport.V29 | T30ModemSupport.V17,
            _ => T30ModemSupport.V27ter,
        };
        set => Bits.SetCode(11, 4, value switch
        {
            _ when value.HasFlag(T30ModemSupport.V17) => 0b1101,
            T30ModemSupport.V27ter | T30ModemSupport.V29 => 0b1100,
            T30ModemSupport.V29 => 0b1000,
            T30ModemSupport.V27ter => 0b0100,
            _ => 0b0000,
        });
    }

    /// <summary>Code 0000: V.27 ter at 2400 bit/s only.</summary>
    public bool V27terFallbackOnly => Bits.Code(11, 4) == 0;

    /// <summary>Bit 15: R8 × 7.7 lines/mm and/or 200 × 200 pels/25.4 mm.</summary>
    public bool Fine { get => Bits[15]; set => Bits[15] = value; }

    /// <summary>Bit 16: T.4 two-dimensional coding (MR).</summary>
    public bool TwoDimensional { get => Bits[16]; set => Bits[16] = value; }

    /// <summary>Bits 17–18: 00 = 1728 pels, 10 = up to 2048, 01 (or 11) = up to 2432.</summary>
    public T30PageWidth MaxWidth { get => Bits.Width; set => Bits.Width = value; }

    /// <summary>Bits 19–20: 00 = A4, 10 = A4 and B4, 01 = unlimited.</summary>
    public T30PageLength MaxLength { get => Bits.Length; set => Bits.Length = value; }

    /// <summary>Bits 21–23: minimum scan line time at standard resolution, in ms.</summary>
    public int MinScanLineTimeMs
    {
        get => Bits.Code(21, 3) switch
        {
            0b000 or 0b110 => 20,
            0b001 or 0b101 => 40,
            0b010 or 0b011 => 10,
            0b100 => 5,
            _ => 0,
        };
        set => Bits.SetCode(21, 3, value switch
        {
            0 => 0b111,
            5 => 0b100,
            10 => HalfScanTimeAtFine ? 0b011 : 0b010,
            20 => HalfScanTimeAtFine ? 0b110 : 0b000,
            40 => HalfScanTimeAtFine ? 0b101 : 0b001,
            _ => throw new ArgumentOutOfRangeException(nameof(value), value, "T.30 scan line times are 0, 5, 10, 20 or 40 ms"),
        });
    }

    /// <summary>Codes 011, 110, 101: at 7.7 lines/mm half the standard time is enough.</summary>
    public bool HalfScanTimeAtFine => Bits.Code(21, 3) is 0b011 or 0b110 or 0b101;

    public bool Uncompressed { get => Bits[26]; set => Bits[26] = value; }

    /// <summary>Bit 27: error correction mode (T.30 Annex A).</summary>
    public bool Ecm { get => Bits[27]; set => Bits[27] = value; }

    /// <summary>Bit 31: T.6 coding (MMR), valid with ECM.</summary>
    public bool T6 { get => Bits[31]; set => Bits[31] = value; }

    public bool FieldNotValid { get => Bits[33]; set => Bits[33] = value; }

    /// <summary>Bit 41: R8 × 15.4 lines/mm (and 200 × 400 inch-based).</summary>
    public bool Superfine { get => Bits[41]; set => Bits[41] = value; }

    /// <summary>Bit 42: 300 × 300 pels/25.4 mm.</summary>
    public bool Res300x300 { get => Bits[42]; set => Bits[42] = value; }

    /// <summary>Bit 43: R16 × 15.4 lines/mm and/or 400 × 400 pels/25.4 mm.</summary>
    public bool Ultrafine { get => Bits[43]; set => Bits[43] = value; }

    public bool InchPreferred { get => Bits[44]; set => Bits[44] = value; }

    public bool MetricPreferred { get => Bits[45]; set => Bits[45] = value; }

    /// <summary>Bit 46: at 15.4 lines/mm half the 7.7 lines/mm scan time is enough.</summary>
    public bool HalfScanTimeAtSuperfine { get => Bits[46]; set => Bits[46] = value; }

    public bool SelectivePolling { get => Bits[47]; set => Bits[47] = value; }

    /// <summary>Bit 49: SUB frames are understood.</summary>
    public bool Subaddressing { get => Bits[49]; set => Bits[49] = value; }

    /// <summary>Bit 50: PWD frames are understood.</summary>
    public bool Password { get => Bits[50]; set => Bits[50] = value; }

    /// <summary>Whether the far end can receive pages at <paramref name="resolution"/>.</summary>
    public bool Supports(T30Resolution resolution) => resolution switch
    {
        T30Resolution.Standard or T30Resolution.Inch200x100 => true,
        T30Resolution.Fine or T30Resolution.Inch200x200 => Fine,
        T30Resolution.Superfine or T30Resolution.Inch200x400 => Superfine,
        T30Resolution.Inch300x300 => Res300x300,
        T30Resolution.Ultrafine or T30Resolution.Inch400x400 => Ultrafine,
        _ => false,
    };
}
