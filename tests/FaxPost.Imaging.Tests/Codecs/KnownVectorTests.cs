using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Codecs;

/// <summary>Coded rows spelled out from the T.4 / T.6 code tables.</summary>
public sealed class KnownVectorTests
{
    private const string Eol = "000000000001";

    [Fact]
    public void White_A4_row_is_makeup_1728_and_terminating_0()
    {
        // T.4 Table 3a: white make-up 1728 = 010011011; Table 2: white 0 = 00110101.
        AssertCodes(TestPages.White(1728, 1), Mh(), Eol + "010011011" + "00110101");
    }

    [Fact]
    public void Black_A4_row_is_white_0_then_black_makeup_1728_and_terminating_0()
    {
        AssertCodes(TestPages.Black(1728, 1), Mh(), Eol + "00110101" + "0000001100101" + "0000110111");
    }

    [Fact]
    public void Short_runs_use_terminating_codes()
    {
        // Pels: B W W B B B W W -> white 0, black 1, white 2, black 3, white 2.
        var page = new BilevelImage(8, 1);
        page.Pixels[0] = 0b1001_1100;
        AssertCodes(page, Mh(), Eol + "00110101" + "010" + "0111" + "10" + "0111");
    }

    [Fact]
    public void Runs_beyond_2560_repeat_the_2560_makeup_code()
    {
        // T.4 §4.1.1.1 and Table 3b: 5200 = 2560 + 2560 + 64 + 16.
        AssertCodes(TestPages.White(5200, 1), Mh(), Eol + "000000011111" + "000000011111" + "11011" + "101010");
    }

    [Fact]
    public void Rtc_is_six_eols()
    {
        var options = Mh() with { Rtc = true };
        AssertCodes(TestPages.White(1728, 1), options, Eol + "010011011" + "00110101" + string.Concat(Enumerable.Repeat(Eol, 6)));
    }

    [Fact]
    public void Byte_aligned_eol_ends_on_a_byte_boundary()
    {
        // 4 fill zeros, then EOL ends at bit 16; the row ends at bit 33; 3 fill zeros; EOL ends at bit 48.
        var options = Mh() with { ByteAlignedEol = true };
        AssertCodes(TestPages.White(1728, 2), options,
            "0000" + Eol + "010011011" + "00110101" + "000" + Eol + "010011011" + "00110101");
    }

    [Fact]
    public void Mr_rows_carry_tag_bits_and_two_dimensional_rows_use_mode_codes()
    {
        // K = 2: row 0 one-dimensional (tag 1), row 1 two-dimensional (tag 0): an all-white row
        // under an all-white reference is V0 (b1 = imaginary element at the row end).
        var options = new FaxCodingOptions { Compression = FaxCompression.Mr, K = 2 };
        AssertCodes(TestPages.White(1728, 2), options, Eol + "1" + "010011011" + "00110101" + Eol + "0" + "1");
    }

    [Fact]
    public void Mmr_uses_pass_vertical_and_horizontal_modes()
    {
        // Row 0 (ref white): pels 0..3 black -> a1 = 0, b1 = 1728: horizontal (001) white 0, black 4
        //   (a2 = 4), then a1 = 1728 = b1: V0.
        // Row 1: pels 1..3 black -> a1 = 1, b1 = 0: VR1 (011); a1 = 4, b1 = 4: V0; end: V0.
        // Row 2: all white -> b1 = 1, b2 = 4 < a1 = 1728: pass (0001); then V0 at the end.
        var page = new BilevelImage(1728, 3);
        page.Pixels[0] = 0b1111_0000;
        page.Pixels[page.Stride] = 0b0111_0000;
        var options = new FaxCodingOptions { Compression = FaxCompression.Mmr, Rtc = true };
        AssertCodes(page, options, "001" + "00110101" + "011" + "1" + "011" + "1" + "1" + "0001" + "1" + Eol + Eol);
    }

    [Fact]
    public void Lsb_first_reverses_each_byte()
    {
        BilevelImage page = TestPages.TextLike(1728, 40, 9);
        byte[] msb = FaxPageCodec.Encode(page, TestPages.Options(FaxCompression.Mr));
        byte[] lsb = FaxPageCodec.Encode(page, TestPages.Options(FaxCompression.Mr, lsb: true));
        Assert.Equal(msb.Length, lsb.Length);
        for (int i = 0; i < msb.Length; i++)
        {
            Assert.Equal(msb[i], Reverse(lsb[i]));
        }
    }

    [Fact]
    public void Omit_first_eol_starts_with_the_row()
    {
        AssertCodes(TestPages.White(1728, 2), Mh() with { OmitFirstEol = true }, "010011011" + "00110101" + Eol + "010011011" + "00110101");
    }

    private static FaxCodingOptions Mh() => new() { Compression = FaxCompression.Mh };

    private static byte Reverse(byte b)
    {
        int r = 0;
        for (int i = 0; i < 8; i++)
        {
            r |= ((b >> i) & 1) << (7 - i);
        }

        return (byte)r;
    }

    private static void AssertCodes(BilevelImage page, FaxCodingOptions options, string bits)
    {
        byte[] expected = new byte[(bits.Length + 7) / 8];
        for (int i = 0; i < bits.Length; i++)
        {
            if (bits[i] == '1')
            {
                expected[i >> 3] |= (byte)(0x80 >> (i & 7));
            }
        }

        byte[] actual = FaxPageCodec.Encode(page, options);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
        BilevelImage decoded = FaxPageCodec.Decode(actual, page.Width, options, out _);
        TestPages.AssertSamePixels(page, decoded);
    }
}
