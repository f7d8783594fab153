namespace FaxPost.Fax.T30;

/// <summary>High-speed modems a terminal offers (values as spandsp's t30_set_supported_modems).</summary>
[Flags]
public enum T30ModemSupport : byte
{
    None = 0,
    V27ter = 1,
    V29 = 2,
    V17 = 4,
}

public enum T30Modulation : byte
{
    V27ter,
    V29,
    V17,
}

/// <summary>A modem and bit rate for phase C, as DCS selects it (T.30 Table 2 bits 11–14).</summary>
public readonly record struct T30Rate(T30Modulation Modulation, int BitRate)
{
    /// <summary>Every rate, fastest first: the fallback order after FTT (T.30 §5.3.1).</summary>
    public static ReadOnlySpan<T30Rate> All => AllRates;

    private static readonly T30Rate[] AllRates =
    [
        new(T30Modulation.V17, 14400), new(T30Modulation.V17, 12000), new(T30Modulation.V17, 9600), new(T30Modulation.V17, 7200),
        new(T30Modulation.V29, 9600), new(T30Modulation.V29, 7200),
        new(T30Modulation.V27ter, 4800), new(T30Modulation.V27ter, 2400),
    ];

    public override string ToString() => $"{Modulation} {BitRate}";
}

/// <summary>Vertical × horizontal resolution of the page in phase C (T.4 §2.2, T.30 Table 2 bits 15, 41–44).</summary>
public enum T30Resolution : byte
{
    /// <summary>R8 × 3.85 lines/mm (about 204 × 98 dpi).</summary>
    Standard,
    /// <summary>R8 × 7.7 lines/mm (about 204 × 196 dpi).</summary>
    Fine,
    /// <summary>R8 × 15.4 lines/mm (about 204 × 391 dpi).</summary>
    Superfine,
    /// <summary>R16 × 15.4 lines/mm (about 408 × 391 dpi).</summary>
    Ultrafine,
    Inch200x100,
    Inch200x200,
    Inch200x400,
    Inch300x300,
    Inch400x400,
}

/// <summary>Scan line width (T.4 §2.2): pels at 8 pels/mm.</summary>
public enum T30PageWidth
{
    A4 = 1728,
    B4 = 2048,
    A3 = 2432,
}

public enum T30PageLength : byte
{
    A4,
    B4,
    Unlimited,
}

public enum T30Compression : byte
{
    /// <summary>T.4 one-dimensional (MH).</summary>
    MH,
    /// <summary>T.4 two-dimensional (MR).</summary>
    MR,
    /// <summary>T.6 (MMR); only with ECM.</summary>
    MMR,
}

/// <summary>What our side can do; the input to negotiation (a DIS we send, or a DCS we choose).</summary>
public sealed record T30Capabilities
{
    public T30ModemSupport Modems { get; init; } = T30ModemSupport.V27ter | T30ModemSupport.V29 | T30ModemSupport.V17;

    public bool Ecm { get; init; } = true;

    public bool TwoDimensional { get; init; } = true;

    public bool T6 { get; init; } = true;

    public bool Fine { get; init; } = true;

    public bool Superfine { get; init; } = true;

    public bool Ultrafine { get; init; }

    public bool Res300x300 { get; init; }

    public T30PageWidth MaxWidth { get; init; } = T30PageWidth.A3;

    public T30PageLength MaxLength { get; init; } = T30PageLength.Unlimited;

    /// <summary>Our minimum scan line time in ms (0, 5, 10, 20 or 40); 0 for a computer.</summary>
    public int MinScanLineTimeMs { get; init; }
}
