namespace FaxPost.Fax.T30;

/// <summary>
/// T.30 §5.3.6 facsimile control field (FCF) codes, as octets in HDLC order (first bit sent is the
/// least significant: T.30 writes DIS as "0000 0001", which is 0x80 here). For most frames the low
/// bit is the X bit (T.30 §5.3.6.1: 1 in frames from the station that received DIS); the values
/// below have it clear. The DIS and DTC groups have no X bit and are matched whole.
/// </summary>
public enum T30FrameType : byte
{
    Unknown = 0x00,

    // Initial identification (called → calling), no X bit.
    Dis = 0x80,
    Csi = 0x40,
    Nsf = 0x20,

    // Command to send (calling → called, wishing to receive); bit 1 is always 1.
    Dtc = 0x81,
    Cig = 0x41,
    Nsc = 0x21,
    Pwd = 0xC1,
    Sep = 0xA1,

    // Command to receive.
    Dcs = 0x82,
    Tsi = 0x42,
    Nss = 0x22,
    Sub = 0xC2,
    Sid = 0xA2,
    Ctc = 0x12,

    // Pre-message responses.
    Cfr = 0x84,
    Ftt = 0x44,
    Ctr = 0xC4,

    // Post-message commands.
    Eom = 0x8E,
    Mps = 0x4E,
    Eop = 0x2E,
    PriEom = 0x9E,
    PriMps = 0x5E,
    PriEop = 0x3E,
    Pps = 0xBE,
    Eor = 0xCE,
    Rr = 0x6E,

    // Post-message responses.
    Mcf = 0x8C,
    Rtp = 0xCC,
    Rtn = 0x4C,
    Pip = 0xAC,
    Pin = 0x2C,
    Ppr = 0xBC,
    Rnr = 0xEC,
    Err = 0x1C,

    // Other line control.
    Dcn = 0xFA,
    Crp = 0x1A,
    Fnv = 0xCA,

    // T.4 Annex A: ECM facsimile coded data and return to control for partial page.
    Fcd = 0x06,
    Rcp = 0x86,
}

/// <summary>Lookup between FCF octets and <see cref="T30FrameType"/>.</summary>
public static class T30Fcf
{
    /// <summary>The X bit: set in frames from the station that received a DIS.</summary>
    public const byte XBit = 0x01;

    private static readonly T30FrameType[] Table = BuildTable();

    /// <summary>The frame type an FCF octet names, or <see cref="T30FrameType.Unknown"/>.</summary>
    public static T30FrameType Identify(byte fcf) => Table[fcf];

    /// <summary>Whether the type carries an X bit (all but the DIS and DTC groups).</summary>
    public static bool HasXBit(T30FrameType type) => type switch
    {
        T30FrameType.Dis or T30FrameType.Csi or T30FrameType.Nsf or
        T30FrameType.Dtc or T30FrameType.Cig or T30FrameType.Nsc or T30FrameType.Pwd or T30FrameType.Sep => false,
        _ => true,
    };

    /// <summary>The FCF octet for <paramref name="type"/>, with the X bit when the type has one.</summary>
    public static byte Encode(T30FrameType type, bool x) => (byte)((byte)type | (x && HasXBit(type) ? XBit : 0));

    private static T30FrameType[] BuildTable()
    {
        var table = new T30FrameType[256];
        foreach (var type in Enum.GetValues<T30FrameType>())
        {
            if (type == T30FrameType.Unknown)
            {
                continue;
            }

            table[(byte)type] = type;
            if (HasXBit(type))
            {
                table[(byte)type | XBit] = type;
            }
        }

        return table;
    }
}
