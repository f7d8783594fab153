using FaxPost.Fax.T30;

namespace FaxPost.Fax.Tests.T30;

public sealed class DisDcsTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "", StringComparison.Ordinal));

    [Fact]
    public void Dis_bits_land_where_table_2_puts_them()
    {
        var dis = new DisFrame { ReadyToReceive = true, Modems = T30ModemSupport.V27ter | T30ModemSupport.V29 | T30ModemSupport.V17 };
        // Bit 10 -> 0x02, bits 11,12,14 (code 1101) -> 0x04 | 0x08 | 0x20 in the second octet.
        Assert.Equal(Hex("00 2E 00"), dis.Bits.ToArray());
        dis.Fine = true;          // bit 15 -> 0x40
        dis.TwoDimensional = true; // bit 16 -> 0x80
        dis.MaxWidth = T30PageWidth.A3;        // bit 18 -> 0x02 of octet 3
        dis.MaxLength = T30PageLength.Unlimited; // bit 20 -> 0x08
        dis.MinScanLineTimeMs = 0;              // bits 21-23 = 111 -> 0x70
        Assert.Equal(Hex("00 EE 7A"), dis.Bits.ToArray());
        dis.Ecm = true;           // bit 27 -> octet 4 0x04, and the extend bit of octet 3
        Assert.Equal(Hex("00 EE FA 04"), dis.Bits.ToArray());
        dis.Superfine = true;     // bit 41 -> octet 6 0x01, extend bits on octets 3-5
        Assert.Equal(Hex("00 EE FA 84 80 01"), dis.Bits.ToArray());
    }

    [Fact]
    public void Dis_reads_back_what_was_written()
    {
        var caps = new T30Capabilities { Modems = T30ModemSupport.V29 | T30ModemSupport.V27ter, MaxWidth = T30PageWidth.B4, MaxLength = T30PageLength.B4, MinScanLineTimeMs = 10 };
        var fif = DisFrame.For(caps).Bits.ToArray();
        Assert.True(DisFrame.TryParse(fif, out var dis, out _));
        Assert.True(dis.ReadyToReceive);
        Assert.True(dis.T38);
        Assert.Equal(caps.Modems, dis.Modems);
        Assert.Equal(T30PageWidth.B4, dis.MaxWidth);
        Assert.Equal(T30PageLength.B4, dis.MaxLength);
        Assert.Equal(10, dis.MinScanLineTimeMs);
        Assert.True(dis.Ecm && dis.T6 && dis.TwoDimensional && dis.Fine && dis.Superfine);
        Assert.False(dis.Ultrafine);
    }

    [Fact]
    public void Dis_reading_tolerates_odd_extend_bits()
    {
        // Extend bit set on the last octet: the missing octets read as zero.
        Assert.True(DisFrame.TryParse(Hex("00 EE FA"), out var dis, out _));
        Assert.False(dis.Ecm);
        // Octets after a clear extend bit are ignored.
        Assert.True(DisFrame.TryParse(Hex("00 EE 7A 04"), out dis, out _));
        Assert.False(dis.Ecm);
        Assert.False(DisFrame.TryParse(Hex("00 EE"), out _, out var error));
        Assert.Equal(T30FrameError.FifTooShort, error);
    }

    [Theory]
    [InlineData(0b0000, T30ModemSupport.V27ter, true)]
    [InlineData(0b0100, T30ModemSupport.V27ter, false)]
    [InlineData(0b1000, T30ModemSupport.V29, false)]
    [InlineData(0b1100, T30ModemSupport.V27ter | T30ModemSupport.V29, false)]
    [InlineData(0b1101, T30ModemSupport.V27ter | T30ModemSupport.V29 | T30ModemSupport.V17, false)]
    public void Dis_modem_codes(int code, T30ModemSupport modems, bool fallbackOnly)
    {
        var dis = new DisFrame();
        dis.Bits.SetCode(11, 4, code);
        Assert.Equal(modems, dis.Modems);
        Assert.Equal(fallbackOnly, dis.V27terFallbackOnly);
    }

    [Fact]
    public void Dcs_rates_resolutions_and_sizes_round_trip()
    {
        foreach (var rate in T30Rate.All)
        {
            foreach (var res in Enum.GetValues<T30Resolution>())
            {
                var dcs = new DcsFrame { Receive = true, Rate = rate, Resolution = res, Compression = T30Compression.MMR, Ecm = true, Width = T30PageWidth.B4, Length = T30PageLength.Unlimited, MinScanLineTimeMs = 0 };
                Assert.True(DcsFrame.TryParse(dcs.Bits.ToArray(), out var back, out var error), error.ToString());
                Assert.Equal(rate, back.Rate);
                Assert.Equal(res, back.Resolution);
                Assert.Equal(T30Compression.MMR, back.Compression);
                Assert.Equal(T30PageWidth.B4, back.Width);
                Assert.Equal(T30PageLength.Unlimited, back.Length);
                Assert.True(back.Receive && back.Ecm);
            }
        }

        // V.17 14400 is code 0001: bit 14 only.
        Assert.Equal(Hex("00 22 00"), new DcsFrame { Receive = true, Rate = new T30Rate(T30Modulation.V17, 14400), MinScanLineTimeMs = 20 }.Bits.ToArray());
    }

    [Fact]
    public void Dcs_with_a_reserved_modem_code_is_refused()
    {
        var dcs = new DcsFrame();
        dcs.Bits.SetCode(11, 4, 0b0010); // V.33 in older editions: not ours
        Assert.False(DcsFrame.TryParse(dcs.Bits.ToArray(), out _, out var error));
        Assert.Equal(T30FrameError.BadFif, error);
    }

    public static TheoryData<string, T30Capabilities, T30Resolution, string> Negotiations => new()
    {
        // name, remote, page resolution, expected "rate ecm compression resolution width scan"
        { "spandsp-like", new T30Capabilities(), T30Resolution.Fine, "V17 14400 ECM MMR Fine A4 0" },
        { "no ECM", new T30Capabilities { Ecm = false, T6 = false, MinScanLineTimeMs = 20 }, T30Resolution.Fine, "V17 14400 - MR Fine A4 20" },
        { "V.29 only, MH", new T30Capabilities { Modems = T30ModemSupport.V29 | T30ModemSupport.V27ter, Ecm = false, TwoDimensional = false, MinScanLineTimeMs = 40 }, T30Resolution.Standard, "V29 9600 - MH Standard A4 40" },
        { "no fine", new T30Capabilities { Fine = false, Superfine = false }, T30Resolution.Superfine, "V17 14400 ECM MMR Standard A4 0" },
        { "superfine to fine", new T30Capabilities { Superfine = false }, T30Resolution.Superfine, "V17 14400 ECM MMR Fine A4 0" },
        { "inch", new T30Capabilities { Res300x300 = true }, T30Resolution.Inch300x300, "V17 14400 ECM MMR Inch300x300 A4 0" },
        { "ECM without MMR", new T30Capabilities { T6 = false }, T30Resolution.Standard, "V17 14400 ECM MR Standard A4 0" },
    };

    [Theory]
    [MemberData(nameof(Negotiations))]
    public void Negotiation_picks_the_best_common_mode(string name, T30Capabilities remote, T30Resolution page, string expected)
    {
        var dis = DisFrame.For(remote);
        Assert.True(T30Negotiation.TrySelectDcs(dis, new T30Capabilities(), page, T30PageWidth.A4, out var dcs, out _), name);
        Assert.True(DcsFrame.TryParse(dcs.Bits.ToArray(), out var sent, out _));
        var actual = $"{sent.Rate.Modulation} {sent.Rate.BitRate} {(sent.Ecm ? "ECM" : "-")} {sent.Compression} {sent.Resolution} {sent.Width} {sent.MinScanLineTimeMs}";
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Negotiation_halves_scan_time_at_fine_when_the_dis_allows_it()
    {
        var dis = DisFrame.For(new T30Capabilities { Ecm = false });
        dis.Bits.SetCode(21, 3, 0b110); // 20 ms, T7.7 = T3.85 / 2
        Assert.True(T30Negotiation.TrySelectDcs(dis, new T30Capabilities(), T30Resolution.Fine, T30PageWidth.A4, out var dcs, out _));
        Assert.Equal(10, dcs.MinScanLineTimeMs);
        Assert.True(T30Negotiation.TrySelectDcs(dis, new T30Capabilities(), T30Resolution.Standard, T30PageWidth.A4, out dcs, out _));
        Assert.Equal(20, dcs.MinScanLineTimeMs);
    }

    [Fact]
    public void Negotiation_failures_and_limits()
    {
        var dis = DisFrame.For(new T30Capabilities { MaxWidth = T30PageWidth.A4 });
        Assert.True(T30Negotiation.TrySelectDcs(dis, new T30Capabilities(), T30Resolution.Fine, T30PageWidth.A3, out var dcs, out _));
        Assert.Equal(T30PageWidth.A4, dcs.Width);

        dis.ReadyToReceive = false;
        Assert.False(T30Negotiation.TrySelectDcs(dis, new T30Capabilities(), T30Resolution.Fine, T30PageWidth.A4, out _, out var error));
        Assert.Equal(T30NegotiationError.RemoteCannotReceive, error);

        var v29 = DisFrame.For(new T30Capabilities { Modems = T30ModemSupport.V29 });
        Assert.False(T30Negotiation.TrySelectDcs(v29, new T30Capabilities { Modems = T30ModemSupport.V17 }, T30Resolution.Fine, T30PageWidth.A4, out _, out error));
        Assert.Equal(T30NegotiationError.NoCommonModem, error);

        var fallback = new DisFrame { ReadyToReceive = true };
        Assert.True(T30Negotiation.TrySelectDcs(fallback, new T30Capabilities(), T30Resolution.Fine, T30PageWidth.A4, out dcs, out _));
        Assert.Equal(new T30Rate(T30Modulation.V27ter, 2400), dcs.Rate);
    }

    [Fact]
    public void Fallback_steps_down_through_the_common_modems()
    {
        var all = T30ModemSupport.V17 | T30ModemSupport.V29 | T30ModemSupport.V27ter;
        var rate = new T30Rate(T30Modulation.V17, 14400);
        var seen = new List<int> { rate.BitRate };
        while (T30Negotiation.TryFallback(rate, all, out rate))
        {
            seen.Add(rate.BitRate);
        }

        Assert.Equal([14400, 12000, 9600, 7200, 9600, 7200, 4800, 2400], seen);
        Assert.True(T30Negotiation.TryFallback(new T30Rate(T30Modulation.V29, 7200), T30ModemSupport.V29 | T30ModemSupport.V27ter, out var next));
        Assert.Equal(new T30Rate(T30Modulation.V27ter, 4800), next);
        Assert.False(T30Negotiation.TryFallback(new T30Rate(T30Modulation.V29, 7200), T30ModemSupport.V29, out _));
    }
}
