using FaxPost.Fax.T38;

namespace FaxPost.Fax.Tests.T38;

public sealed class IfpCodecTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "", StringComparison.Ordinal));

    [Theory]
    [InlineData(T38Indicator.NoSignal, "00")]
    [InlineData(T38Indicator.Cng, "02")]
    [InlineData(T38Indicator.Ced, "04")]
    [InlineData(T38Indicator.V21Preamble, "06")]
    [InlineData(T38Indicator.V27ter2400Training, "08")]
    [InlineData(T38Indicator.V27ter4800Training, "0A")]
    [InlineData(T38Indicator.V29Training7200, "0C")]
    [InlineData(T38Indicator.V29Training9600, "0E")]
    [InlineData(T38Indicator.V17ShortTraining14400, "1C")]
    [InlineData(T38Indicator.V17LongTraining14400, "1E")]
    public void Indicators_match_the_wire_in_every_version(T38Indicator indicator, string hex)
    {
        for (var version = 0; version <= 3; version++)
        {
            var buf = new byte[4];
            Assert.True(IfpCodec.TryEncodeIndicator(indicator, version, buf, out var n));
            Assert.Equal(Hex(hex), buf[..n]);
            Assert.True(IfpCodec.TryDecode(Hex(hex), version, out var p, out var error), error.ToString());
            Assert.True(p.IsIndicator);
            Assert.Equal(indicator, p.Indicator);
            Assert.Equal(0, p.FieldCount);
        }
    }

    [Theory]
    [InlineData(T38Indicator.V8Ansam, "2000")]
    [InlineData(T38Indicator.V8Signal, "2040")]
    [InlineData(T38Indicator.V34ControlChannel1200, "2080")]
    [InlineData(T38Indicator.V33Training14400, "2180")]
    public void Extended_indicators_take_two_octets_from_version_1(T38Indicator indicator, string hex)
    {
        var buf = new byte[4];
        Assert.Throws<ArgumentOutOfRangeException>(() => IfpCodec.TryEncodeIndicator(indicator, 0, buf, out _));
        Assert.True(IfpCodec.TryEncodeIndicator(indicator, 2, buf, out var n));
        Assert.Equal(Hex(hex), buf[..n]);
        Assert.True(IfpCodec.TryDecode(Hex(hex), 2, out var p, out _));
        Assert.Equal(indicator, p.Indicator);
    }

    [Theory]
    [InlineData(T38DataType.V21, "C0")]
    [InlineData(T38DataType.V27ter4800, "C4")]
    [InlineData(T38DataType.V29Rate9600, "C8")]
    [InlineData(T38DataType.V17Rate14400, "D0")]
    public void Data_type_octet_matches_the_wire(T38DataType type, string hex)
    {
        var buf = new byte[16];
        Assert.True(IfpCodec.TryEncodeData(type, IfpFieldType.HdlcData, [0xFF], 0, buf, out _));
        Assert.Equal(Hex(hex)[0], buf[0]);
    }

    [Fact]
    public void Hdlc_frame_with_data_is_the_same_in_version_0_and_1()
    {
        // V.21, one field: hdlc-data (present 0x80), length-1 = 2, FF C8 01.
        var wire = Hex("C0 01 80 0002 FFC801");
        foreach (var version in new[] { 0, 1, 3 })
        {
            var buf = new byte[32];
            Assert.True(IfpCodec.TryEncodeData(T38DataType.V21, IfpFieldType.HdlcData, Hex("FFC801"), version, buf, out var n));
            Assert.Equal(wire, buf[..n]);
            Assert.True(IfpCodec.TryDecode(wire, version, out var p, out _));
            Assert.Equal(T38DataType.V21, p.DataType);
            Assert.Equal(1, p.FieldCount);
            foreach (var f in p.Fields)
            {
                Assert.Equal(IfpFieldType.HdlcData, f.Type);
                Assert.Equal(Hex("FFC801"), f.Data.ToArray());
                Assert.Equal(5, f.DataOffset);
            }
        }
    }

    [Fact]
    public void Field_type_without_data_differs_between_versions()
    {
        // hdlc-fcs-OK-sig-end (4): version 0 puts it at bit 4 (0x40), later versions at bit 3 (0x20).
        Assert.Equal(Hex("C0 01 40"), IfpModel.Data(T38DataType.V21, (IfpFieldType.HdlcFcsOkSigEnd, [])).Encode(0));
        Assert.Equal(Hex("C0 01 20"), IfpModel.Data(T38DataType.V21, (IfpFieldType.HdlcFcsOkSigEnd, [])).Encode(1));
    }

    [Fact]
    public void Version_0_packs_a_field_without_data_into_half_an_octet()
    {
        // hdlc-fcs-OK (2, no data) then hdlc-sig-end (1, no data): 0x2 | 0x1 in one octet.
        var model = IfpModel.Data(T38DataType.V21, (IfpFieldType.HdlcFcsOk, []), (IfpFieldType.HdlcSigEnd, []));
        Assert.Equal(Hex("C0 02 21"), model.Encode(0));
        // hdlc-fcs-OK (no data) then hdlc-data with data: the length is octet-aligned after the half.
        var model2 = IfpModel.Data(T38DataType.V21, (IfpFieldType.HdlcFcsOk, []), (IfpFieldType.HdlcData, [0xAB]));
        Assert.Equal(Hex("C0 02 28 0000 AB"), model2.Encode(0));
        Assert.True(IfpCodec.TryDecode(Hex("C0 02 28 0000 AB"), 0, out var p, out _));
        Assert.True(model2.SameAs(IfpModel.From(p)));
        Assert.Equal(Hex("C0 02 10 80 0000 AB"), model2.Encode(1));
    }

    [Fact]
    public void Extended_field_types_and_data_types_round_trip()
    {
        var model = IfpModel.Data(T38DataType.V34PrimaryRate, (IfpFieldType.V34Rate, "144"u8.ToArray()), (IfpFieldType.CiMessage, []));
        var wire = model.Encode(3);
        Assert.Equal(0x60, wire[0] & 0x60);
        Assert.True(IfpCodec.TryDecode(wire, 3, out var p, out var e), e.ToString());
        Assert.True(model.SameAs(IfpModel.From(p)));
    }

    [Fact]
    public void Many_fields_use_a_two_octet_count()
    {
        var fields = Enumerable.Range(0, 200).Select(i => (IfpFieldType.T4NonEcmData, new[] { (byte)i })).ToArray();
        var model = IfpModel.Data(T38DataType.V17Rate14400, fields);
        var wire = model.Encode(2);
        Assert.Equal(0x80, wire[1]);
        Assert.Equal(200, wire[2]);
        Assert.True(IfpCodec.TryDecode(wire, 2, out var p, out _));
        Assert.Equal(200, p.FieldCount);
        Assert.True(model.SameAs(IfpModel.From(p)));
    }

    [Theory]
    [InlineData("", IfpError.Empty)]
    [InlineData("82", IfpError.IndicatorWithDataField)]
    [InlineData("3F80", IfpError.UnknownIndicator)]
    [InlineData("C2", IfpError.Truncated)]
    [InlineData("D2 01 80 0000 00", IfpError.UnknownDataType)]
    [InlineData("C0 C1", IfpError.FragmentedLength)]
    [InlineData("C0 01 80 0005 FF", IfpError.Truncated)]
    [InlineData("02 00", IfpError.TrailingBytes)]
    [InlineData("20", IfpError.Truncated)]
    public void Malformed_packets_get_a_reason(string hex, IfpError expected)
    {
        Assert.False(IfpCodec.TryDecode(Hex(hex), 1, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Unknown_extended_field_type_is_named()
    {
        Assert.False(IfpCodec.TryDecode(Hex("C0 01 5F C0"), 1, out _, out var error));
        Assert.Equal(IfpError.UnknownFieldType, error);
        Assert.False(IfpCodec.TryDecode(Hex("C0 01 40"), 1, out _, out var truncated));
        Assert.Equal(IfpError.Truncated, truncated);
    }

    [Fact]
    public void Data_packet_without_fields_is_accepted()
    {
        Assert.True(IfpCodec.TryDecode(Hex("48"), 1, out var p, out _));
        Assert.Equal(T38DataType.V29Rate9600, p.DataType);
        Assert.Equal(0, p.FieldCount);
        Assert.False(IfpCodec.TryDecode(Hex("48"), 4, out _, out var e));
        Assert.Equal(IfpError.UnsupportedVersion, e);
    }

    [Fact]
    public void Every_prefix_of_a_valid_packet_is_truncated()
    {
        var rng = new Random(38);
        for (var i = 0; i < 300; i++)
        {
            var version = i % 4;
            var wire = IfpModel.Random(rng, version).Encode(version);
            for (var len = 0; len < wire.Length; len++)
            {
                Assert.False(IfpCodec.TryDecode(wire.AsSpan(0, len), version, out _, out var error));
                Assert.Equal(len == 0 ? IfpError.Empty : IfpError.Truncated, error);
            }

            Assert.True(IfpCodec.TryDecodePrefix([.. wire, 0x55], version, out var p, out _));
            Assert.Equal(wire.Length, p.Length);
        }
    }

    [Fact]
    public void Random_packets_round_trip_in_every_version()
    {
        var rng = new Random(4);
        for (var i = 0; i < 2000; i++)
        {
            var version = i % 4;
            var model = IfpModel.Random(rng, version);
            var wire = model.Encode(version);
            Assert.True(IfpCodec.TryDecode(wire, version, out var p, out var error), error.ToString());
            Assert.True(model.SameAs(IfpModel.From(p)), $"v{version} {Convert.ToHexString(wire)}");
        }
    }

    [Fact]
    public void Encoder_reports_a_short_buffer()
    {
        var buf = new byte[6];
        Assert.False(IfpCodec.TryEncodeData(T38DataType.V21, IfpFieldType.HdlcData, new byte[10], 1, buf, out var n));
        Assert.Equal(0, n);
        Assert.False(IfpCodec.TryEncodeIndicator(T38Indicator.Cng, 1, [], out _));
    }

    [Fact]
    public void Decoding_allocates_nothing()
    {
        var wire = IfpModel.Data(T38DataType.V17Rate14400, (IfpFieldType.T4NonEcmData, new byte[200]), (IfpFieldType.T4NonEcmSigEnd, [])).Encode(2);
        var sum = 0;
        Decode();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            Decode();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);

        void Decode()
        {
            if (IfpCodec.TryDecode(wire, 2, out var p, out _))
            {
                foreach (var f in p.Fields)
                {
                    sum += f.Data.Length + (int)f.Type;
                }
            }
        }
    }
}
