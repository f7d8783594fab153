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
}
