using FaxPost.Fax.T30;
using FaxPost.Fax.T38;

namespace FaxPost.Fax.Tests.T38;

public sealed class T38TerminalTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "", StringComparison.Ordinal));

    private static byte[] Data(int version, T38DataType type, params (IfpFieldType, byte[])[] fields) => IfpModel.Data(type, fields).Encode(version);

    [Fact]
    public void Hdlc_octets_split_over_packets_become_one_frame_in_hdlc_order()
    {
        var terminal = new T38Terminal(1);
        var inputs = new List<T30Input>();
        Assert.Equal(IfpError.None, terminal.Receive(Data(1, T38DataType.V21, (IfpFieldType.HdlcData, Hex("FF C8"))), inputs));
        // Octets arriving say the far end is talking (the session holds back its T4 repeat).
        Assert.Equal(T30InputKind.SignalDetected, Assert.Single(inputs).Kind);
        inputs.Clear();
        terminal.Receive(Data(1, T38DataType.V21, (IfpFieldType.HdlcData, Hex("31")), (IfpFieldType.HdlcFcsOkSigEnd, [])), inputs);
        inputs.RemoveAll(i => i.Kind == T30InputKind.SignalDetected);
        var frame = Assert.Single(inputs);
        Assert.Equal(T30InputKind.Frame, frame.Kind);
        Assert.Equal(Hex("FF 13 8C"), frame.Data.ToArray()); // MCF
    }

    [Fact]
    public void Bad_fcs_and_absurd_lengths_become_bad_frames()
    {
        var terminal = new T38Terminal(0);
        var inputs = new List<T30Input>();
        terminal.Receive(Data(0, T38DataType.V21, (IfpFieldType.HdlcData, Hex("FF C8 31")), (IfpFieldType.HdlcFcsBad, [])), inputs);
        inputs.RemoveAll(i => i.Kind == T30InputKind.SignalDetected);
        Assert.Equal(T30InputKind.BadFrame, Assert.Single(inputs).Kind);

        inputs.Clear();
        for (var i = 0; i < 10; i++)
        {
            terminal.Receive(Data(0, T38DataType.V21, (IfpFieldType.HdlcData, new byte[100])), inputs);
        }

        terminal.Receive(Data(0, T38DataType.V21, (IfpFieldType.HdlcFcsOk, [])), inputs);
        inputs.RemoveAll(i => i.Kind == T30InputKind.SignalDetected);
        Assert.Equal(T30InputKind.BadFrame, Assert.Single(inputs).Kind);

        // The next frame is clean again.
        inputs.Clear();
        terminal.Receive(Data(0, T38DataType.V21, (IfpFieldType.HdlcData, Hex("FF C8 31")), (IfpFieldType.HdlcFcsOk, [])), inputs);
        inputs.RemoveAll(i => i.Kind == T30InputKind.SignalDetected);
        Assert.Equal(T30InputKind.Frame, Assert.Single(inputs).Kind);
    }

    [Fact]
    public void Image_data_passes_through_and_sig_end_ends_it()
    {
        var terminal = new T38Terminal(2);
        var inputs = new List<T30Input>();
        terminal.Receive(Data(2, T38DataType.V17Rate14400, (IfpFieldType.T4NonEcmData, Hex("00 01 80"))), inputs);
        terminal.Receive(Data(2, T38DataType.V17Rate14400, (IfpFieldType.T4NonEcmSigEnd, Hex("FF"))), inputs);
        Assert.Equal([T30InputKind.ImageData, T30InputKind.ImageData, T30InputKind.ImageEnd], inputs.Select(i => i.Kind));
        Assert.Equal(Hex("00 01 80"), inputs[0].Data.ToArray());
        Assert.Equal(T38DataType.V17Rate14400, terminal.LastDataType);

        // ECM frames at the image rate: each frame, then the end of the image carrier.
        inputs.Clear();
        terminal.Receive(Data(2, T38DataType.V17Rate14400, (IfpFieldType.HdlcData, Hex("FF C0 60 00 AA")), (IfpFieldType.HdlcFcsOkSigEnd, [])), inputs);
        Assert.Equal([T30InputKind.Frame, T30InputKind.ImageEnd], inputs.Select(i => i.Kind));
    }

    [Fact]
    public void Malformed_ifp_gives_its_reason_and_no_input()
    {
        var inputs = new List<T30Input>();
        Assert.Equal(IfpError.Truncated, new T38Terminal(0).Receive(Hex("C0 01 80 0005 FF"), inputs));
        Assert.Empty(inputs);
    }

    [Fact]
    public void Frames_go_out_as_preamble_hdlc_data_and_fcs_fields()
    {
        var terminal = new T38Terminal(0);
        var packets = new List<byte[]>();
        var mcf = new byte[] { 0xFF, 0x13, 0x8C };
        var csi = new byte[23];
        T30Frame.Write(csi, T30FrameType.Csi, false, false, new byte[20]);
        terminal.Translate(new T30Action { Kind = T30ActionKind.SendTone, Tone = T30Tone.Ced }, packets);
        terminal.Translate(new T30Action { Kind = T30ActionKind.SendFrames, Frames = [csi, mcf] }, packets);
        terminal.Translate(new T30Action { Kind = T30ActionKind.Listen, Listen = T30Listen.ControlFrames }, packets);
        Assert.Equal(Hex("04"), packets[0]);
        Assert.Equal(Hex("06"), packets[1]);
        Assert.Equal(Hex("C0 02 80 0016"), packets[2][..5]);
        Assert.Equal(Hex("FF C0 02"), packets[2][5..8]);
        Assert.Equal(0x20, packets[2][^1]); // hdlc-fcs-OK, version 0
        Assert.Equal(Hex("C0 02 80 0002 FF C8 31 40"), packets[3]); // last frame: hdlc-fcs-OK-sig-end
        Assert.Equal(Hex("00"), packets[4]);
        Assert.Equal(5, packets.Count);
    }

    /// <summary>Sends <paramref name="octets"/> of image data; returns the data packets' payloads and the packets.</summary>
    private static (List<byte[]> Chunks, List<byte[]> Packets) SendImage(T38Terminal terminal, int version, T30Rate rate, int octets)
    {
        var data = Enumerable.Range(0, octets).Select(i => (byte)(i * 7)).ToArray();
        var packets = new List<byte[]>();
        terminal.Translate(new T30Action { Kind = T30ActionKind.SendImage, Rate = rate, Data = data }, packets);
        Assert.Equal(T38Terminal.TrainingFor(rate), Decode(packets[0], version).Indicator);
        Assert.Equal(T38Indicator.NoSignal, Decode(packets[^1], version).Indicator);
        var chunks = new List<byte[]>();
        for (var i = 1; i < packets.Count - 1; i++)
        {
            var packet = Decode(packets[i], version);
            Assert.Equal(T38Terminal.DataTypeFor(rate), packet.DataType);
            var field = Assert.Single(packet.Fields.ToArray());
            Assert.Equal(i == packets.Count - 2 ? IfpFieldType.T4NonEcmSigEnd : IfpFieldType.T4NonEcmData, field.Type);
            chunks.Add(field.Data);
        }

        Assert.Equal(data, chunks.SelectMany(c => c));
        return (chunks, packets);
    }

    private static (T38Indicator Indicator, T38DataType DataType, List<(IfpFieldType Type, byte[] Data)> Fields) Decode(byte[] ifp, int version)
    {
        Assert.True(IfpCodec.TryDecode(ifp, version, out var packet, out var error), error.ToString());
        var fields = new List<(IfpFieldType, byte[])>();
        foreach (var f in packet.Fields)
        {
            fields.Add((f.Type, f.Data.ToArray()));
        }

        return (packet.IsIndicator ? packet.Indicator : default, packet.IsIndicator ? default : packet.DataType, fields);
    }

    [Theory]
    [InlineData(T30Modulation.V17, 14400, 36)]
    [InlineData(T30Modulation.V29, 9600, 24)]
    [InlineData(T30Modulation.V27ter, 2400, 6)]
    public void Paced_image_data_goes_out_in_20_ms_chunks(T30Modulation modulation, int bitRate, int chunk)
    {
        var terminal = new T38Terminal(0);
        var rate = new T30Rate(modulation, bitRate);
        Assert.Equal(chunk, terminal.ImageChunk(rate));
        var (chunks, _) = SendImage(terminal, 0, rate, 1000);
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(chunk, c.Length));
        Assert.Equal((1000 + chunk - 1) / chunk, chunks.Count);
    }

    [Theory]
    [InlineData(0, 97)]
    [InlineData(2, 97)]
    [InlineData(0, 300)]
    [InlineData(3, 1394)]
    [InlineData(0, 6)]
    public void Unpaced_image_data_fills_each_packet_up_to_the_limit(int version, int maxPacket)
    {
        var terminal = new T38Terminal(version, maxPacket);
        foreach (var rate in new[] { new T30Rate(T30Modulation.V17, 14400), new T30Rate(T30Modulation.V27ter, 4800) })
        {
            var (chunks, packets) = SendImage(terminal, version, rate, 5000);
            Assert.Equal(terminal.ImageChunk(rate), chunks[0].Length);
            Assert.All(chunks.SkipLast(1), c => Assert.Equal(chunks[0].Length, c.Length));
            // Full packets are exactly the limit: as big as allowed, never bigger.
            Assert.All(packets.Skip(1).SkipLast(2), p => Assert.Equal(maxPacket, p.Length));
            Assert.InRange(packets[^2].Length, 1, maxPacket);
        }
    }

    [Fact]
    public void Unpaced_chunks_cut_the_packets_a_page_needs()
    {
        var rate = new T30Rate(T30Modulation.V17, 14400);
        var paced = SendImage(new T38Terminal(0), 0, rate, 40_000).Packets.Count;
        var unpaced = SendImage(new T38Terminal(0, 97), 0, rate, 40_000).Packets.Count;
        Assert.True(unpaced * 2 < paced, $"{unpaced} packets unpaced, {paced} paced");
    }

    [Fact]
    public void Empty_image_data_still_ends_with_sig_end()
    {
        var packets = new List<byte[]>();
        new T38Terminal(0, 300).Translate(new T30Action { Kind = T30ActionKind.SendImage, Rate = new T30Rate(T30Modulation.V17, 14400), Data = Array.Empty<byte>() }, packets);
        Assert.Equal(3, packets.Count);
        Assert.Equal(IfpFieldType.T4NonEcmSigEnd, Assert.Single(Decode(packets[1], 0).Fields).Type);
    }
}
