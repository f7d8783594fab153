using FaxPost.Fax.T30;

namespace FaxPost.Fax.Tests.T30;

public sealed class T30FrameTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "", StringComparison.Ordinal));

    [Fact]
    public void Fcf_codes_match_the_t30_notation_read_backwards()
    {
        // T.30 writes codes in transmission order; the reference table gives them that way (DIS 01, DCS 41, DCN 5F ...).
        var wire = new Dictionary<T30FrameType, byte>
        {
            [T30FrameType.Dis] = 0x01,
            [T30FrameType.Csi] = 0x02,
            [T30FrameType.Nsf] = 0x04,
            [T30FrameType.Dtc] = 0x81,
            [T30FrameType.Cig] = 0x82,
            [T30FrameType.Pwd] = 0x83,
            [T30FrameType.Nsc] = 0x84,
            [T30FrameType.Sep] = 0x85,
            [T30FrameType.Dcs] = 0x41,
            [T30FrameType.Tsi] = 0x42,
            [T30FrameType.Sub] = 0x43,
            [T30FrameType.Nss] = 0x44,
            [T30FrameType.Cfr] = 0x21,
            [T30FrameType.Ftt] = 0x22,
            [T30FrameType.Ctr] = 0x23,
            [T30FrameType.Ctc] = 0x48,
            [T30FrameType.Eom] = 0x71,
            [T30FrameType.Mps] = 0x72,
            [T30FrameType.Eor] = 0x73,
            [T30FrameType.Eop] = 0x74,
            [T30FrameType.Rr] = 0x76,
            [T30FrameType.PriEom] = 0x79,
            [T30FrameType.PriMps] = 0x7A,
            [T30FrameType.PriEop] = 0x7C,
            [T30FrameType.Pps] = 0x7D,
            [T30FrameType.Mcf] = 0x31,
            [T30FrameType.Rtn] = 0x32,
            [T30FrameType.Rtp] = 0x33,
            [T30FrameType.Pin] = 0x34,
            [T30FrameType.Pip] = 0x35,
            [T30FrameType.Rnr] = 0x37,
            [T30FrameType.Err] = 0x38,
            [T30FrameType.Ppr] = 0x3D,
            [T30FrameType.Dcn] = 0x5F,
            [T30FrameType.Crp] = 0x58,
            [T30FrameType.Fnv] = 0x53,
        };
        foreach (var (type, code) in wire)
        {
            Assert.Equal(HdlcBitOrder.Reverse(code), (byte)type);
            Assert.Equal(type, T30Fcf.Identify((byte)type));
            if (T30Fcf.HasXBit(type))
            {
                // The X bit is the first bit sent: 0x80 in the wire notation.
                Assert.Equal(type, T30Fcf.Identify(HdlcBitOrder.Reverse((byte)(code | 0x80))));
            }
        }
    }

    [Fact]
    public void Dis_and_dtc_groups_are_told_apart_by_their_first_bit()
    {
        Assert.Equal(T30FrameType.Dis, T30Fcf.Identify(0x80));
        Assert.Equal(T30FrameType.Dtc, T30Fcf.Identify(0x81));
        Assert.Equal(T30FrameType.Csi, T30Fcf.Identify(0x40));
        Assert.Equal(T30FrameType.Cig, T30Fcf.Identify(0x41));
        Assert.Equal(0x83, T30Fcf.Encode(T30FrameType.Dcs, x: true));
        Assert.Equal(0x81, T30Fcf.Encode(T30FrameType.Dtc, x: false));
        Assert.Equal(0x80, T30Fcf.Encode(T30FrameType.Dis, x: true));
    }

    [Fact]
    public void Frames_write_and_parse()
    {
        var buf = new byte[64];
        var n = T30Frame.Write(buf, T30FrameType.Mcf, x: false, isFinal: true, []);
        Assert.Equal(Hex("FF 13 8C"), buf[..n]);
        n = T30Frame.Write(buf, T30FrameType.Dcn, x: true, isFinal: true, []);
        Assert.Equal(Hex("FF 13 FB"), buf[..n]);
        Assert.True(T30Frame.TryParse(buf.AsSpan(0, n), out var f, out _));
        Assert.Equal(T30FrameType.Dcn, f.Type);
        Assert.True(f.XBit);
        Assert.True(f.IsFinal);

        var tsi = new byte[20];
        Assert.True(T30Identity.TryEncode("+49 30 1234", tsi));
        n = T30Frame.Write(buf, T30FrameType.Tsi, x: true, isFinal: false, tsi);
        Assert.Equal(0x03, buf[1]);
        Assert.True(T30Frame.TryParse(buf.AsSpan(0, n), out f, out _));
        Assert.Equal(T30FrameType.Tsi, f.Type);
        Assert.False(f.IsFinal);
        Assert.Equal("+49 30 1234", T30Identity.Decode(f.Fif));
    }

    [Theory]
    [InlineData("FF 13", T30FrameError.TooShort)]
    [InlineData("FE 13 8C", T30FrameError.BadAddress)]
    [InlineData("FF 11 8C", T30FrameError.BadControl)]
    [InlineData("FF 13 FF", T30FrameError.UnknownFcf)]
    [InlineData("FF 13 8C 00", T30FrameError.FifTooLong)]
    [InlineData("FF 13 80 00 46", T30FrameError.FifTooShort)]
    [InlineData("FF 03 40 31 32", T30FrameError.FifTooShort)]
    [InlineData("FF 13 BE 00 00", T30FrameError.FifTooShort)]
    [InlineData("FF 13 BC 00", T30FrameError.FifTooShort)]
    public void Bad_frames_get_a_reason(string hex, T30FrameError expected)
    {
        Assert.False(T30Frame.TryParse(Hex(hex), out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Absurdly_long_frames_are_refused()
    {
        var frame = new byte[5000];
        frame[0] = 0xFF;
        frame[1] = 0x03;
        frame[2] = 0x06;
        Assert.False(T30Frame.TryParse(frame, out _, out var error));
        Assert.Equal(T30FrameError.TooLong, error);
        Assert.Throws<ArgumentOutOfRangeException>(() => T30Frame.Write(new byte[6000], T30FrameType.Nsf, false, false, new byte[400]));
    }

    [Fact]
    public void Identities_are_twenty_characters_last_digit_first()
    {
        var field = new byte[20];
        Assert.True(T30Identity.TryEncode("12345", field));
        Assert.Equal("54321               "u8.ToArray(), field);
        Assert.Equal("12345", T30Identity.Decode(field));
        Assert.False(T30Identity.TryEncode("abc", field));
        Assert.False(T30Identity.TryEncode(new string('1', 21), field));
        Assert.True(T30Identity.TryEncode("*12#", field));
        Assert.Equal("?", T30Identity.Decode([0x01]));
    }

    [Fact]
    public void Hdlc_bit_order_mirrors_octets()
    {
        Assert.Equal(0xC8, HdlcBitOrder.Reverse(0x13));
        Assert.Equal(0xC0, HdlcBitOrder.Reverse(0x03));
        Assert.Equal(0x01, HdlcBitOrder.Reverse(0x80));
        var data = Hex("FF 13 80 00 2E");
        HdlcBitOrder.ReverseInPlace(data);
        Assert.Equal(Hex("FF C8 01 00 74"), data);
    }

    [Fact]
    public void Pps_and_ppr_round_trip()
    {
        var pps = new PpsFrame(T30PostMessage.Eop, 3, 1, 256);
        var fif = new byte[4];
        pps.Write(fif, x: true);
        Assert.Equal(Hex("2F 03 01 FF"), fif);
        Assert.True(PpsFrame.TryParse(fif, out var back, out _));
        Assert.Equal(pps, back);
        Assert.True(PpsFrame.TryParse(Hex("00 00 00 00"), out var nul, out _));
        Assert.Equal(new PpsFrame(T30PostMessage.Null, 0, 0, 1), nul);
        Assert.False(PpsFrame.TryParse(Hex("8C 00 00 00"), out _, out var bad));
        Assert.Equal(T30FrameError.BadFif, bad);

        var map = new EcmFrameMap();
        map[0] = true;
        map[9] = true;
        map[255] = true;
        var bitmap = new byte[32];
        map.Write(bitmap);
        Assert.Equal(0x01, bitmap[0]);
        Assert.Equal(0x02, bitmap[1]);
        Assert.Equal(0x80, bitmap[31]);
        var parsed = EcmFrameMap.Parse(bitmap);
        Assert.Equal(3, parsed.Count);
        Assert.True(parsed[9]);
        Assert.False(parsed[8]);
        parsed.RequestAll(100);
        Assert.Equal(100, parsed.Count);
    }

    [Fact]
    public void Fcd_frames_carry_a_frame_number_and_data()
    {
        var buf = new byte[300];
        var data = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var n = FcdFrame.Write(buf, 17, data);
        Assert.Equal(260, n);
        Assert.True(T30Frame.TryParse(buf.AsSpan(0, n), out var f, out _));
        Assert.True(FcdFrame.TryParse(f, out var number, out var payload, out _));
        Assert.Equal(17, number);
        Assert.Equal(data, payload.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => FcdFrame.Write(buf, 256, data));
    }
}
