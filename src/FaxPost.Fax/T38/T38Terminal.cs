using FaxPost.Fax.T30;

namespace FaxPost.Fax.T38;

/// <summary>
/// Joins a <see cref="T30Session"/> to T.38 (T.38 §5–6, as a terminating endpoint): IFP packets in
/// become <see cref="T30Input"/>s, <see cref="T30Action"/>s become IFP packets out. Pure; the UDPTL
/// framing and the socket are someone else's. HDLC octets are mirrored at this boundary
/// (<see cref="HdlcBitOrder"/>); non-ECM image data passes through in T.38 order.
/// </summary>
public sealed class T38Terminal
{
    private const int MaxHdlcFrame = T30Frame.MaxLength + 16;
    private readonly int _version;
    private readonly int _maxImagePacket;
    private readonly byte[] _hdlc = new byte[MaxHdlcFrame];
    private int _hdlcLength;
    private bool _hdlcOverflow;
    private T38DataType _lastDataType;

    /// <summary>
    /// <paramref name="maxImagePacket"/> 0: non-ECM image data goes out in 20 ms of line time per IFP
    /// packet, right for a sender paced at the line rate. Otherwise each packet carries as much data as
    /// keeps it at most that long (unpaced senders: fewer, fuller datagrams; spandsp's no-pacing mode
    /// uses 300-octet chunks).
    /// </summary>
    public T38Terminal(int version, int maxImagePacket = 0)
    {
        IfpCodec.CheckVersion(version);
        ArgumentOutOfRangeException.ThrowIfNegative(maxImagePacket);
        _version = version;
        _maxImagePacket = maxImagePacket;
    }

    /// <summary>Octets of non-ECM image data per IFP packet at <paramref name="rate"/>.</summary>
    public int ImageChunk(T30Rate rate)
    {
        if (_maxImagePacket == 0)
        {
            return Math.Max(1, rate.BitRate / 8 / 50);
        }

        // The packet's own octets around the data: type, field count, field type, field length (T.38 Annex A ASN.1).
        var overhead = IfpCodec.GetDataLength(DataTypeFor(rate), IfpFieldType.T4NonEcmSigEnd, 1) - 1;
        return Math.Max(1, _maxImagePacket - overhead);
    }

    /// <summary>Turns one received IFP packet into session inputs (appended to <paramref name="inputs"/>).</summary>
    public IfpError Receive(ReadOnlySpan<byte> ifp, List<T30Input> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!IfpCodec.TryDecode(ifp, _version, out var packet, out var error))
        {
            return error;
        }

        if (packet.IsIndicator)
        {
            // Indicators only announce what follows; a new signal ends any half-built frame.
            _hdlcLength = 0;
            _hdlcOverflow = false;
            if (packet.Indicator == T38Indicator.V21Preamble)
            {
                inputs.Add(T30Input.Signal);
            }

            return IfpError.None;
        }

        var image = packet.DataType != T38DataType.V21;
        _lastDataType = packet.DataType;
        foreach (var field in packet.Fields)
        {
            switch (field.Type)
            {
                case IfpFieldType.HdlcData:
                    AppendHdlc(field.Data);
                    if (!image && !field.Data.IsEmpty)
                    {
                        inputs.Add(T30Input.Signal);
                    }

                    break;
                case IfpFieldType.HdlcFcsOk or IfpFieldType.HdlcFcsOkSigEnd:
                    AppendHdlc(field.Data);
                    inputs.Add(_hdlcOverflow || _hdlcLength == 0 ? T30Input.BadFrame : T30Input.Frame(_hdlc.AsSpan(0, _hdlcLength).ToArray()));
                    ResetHdlc();
                    if (field.Type == IfpFieldType.HdlcFcsOkSigEnd && image)
                    {
                        inputs.Add(T30Input.ImageEnd);
                    }

                    break;
                case IfpFieldType.HdlcFcsBad or IfpFieldType.HdlcFcsBadSigEnd:
                    inputs.Add(T30Input.BadFrame);
                    ResetHdlc();
                    if (field.Type == IfpFieldType.HdlcFcsBadSigEnd && image)
                    {
                        inputs.Add(T30Input.ImageEnd);
                    }

                    break;
                case IfpFieldType.HdlcSigEnd:
                    ResetHdlc();
                    if (image)
                    {
                        inputs.Add(T30Input.ImageEnd);
                    }

                    break;
                case IfpFieldType.T4NonEcmData:
                    if (!field.Data.IsEmpty)
                    {
                        inputs.Add(T30Input.Image(field.Data.ToArray()));
                    }

                    break;
                case IfpFieldType.T4NonEcmSigEnd:
                    if (!field.Data.IsEmpty)
                    {
                        inputs.Add(T30Input.Image(field.Data.ToArray()));
                    }

                    inputs.Add(T30Input.ImageEnd);
                    break;
            }
        }

        return IfpError.None;
    }

    /// <summary>The data type of the last data packet received (what the far end is sending at).</summary>
    public T38DataType LastDataType => _lastDataType;

    /// <summary>Turns one session action into IFP packets to send, in order (appended to <paramref name="packets"/>).</summary>
    public void Translate(T30Action action, List<byte[]> packets)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(packets);
        switch (action.Kind)
        {
            case T30ActionKind.SendTone:
                packets.Add(Indicator(action.Tone == T30Tone.Ced ? T38Indicator.Ced : T38Indicator.Cng));
                break;
            case T30ActionKind.SendFrames:
                // T.38 §5.4: V.21 preamble, each frame's octets then hdlc-fcs-OK, the last with sig-end.
                packets.Add(Indicator(T38Indicator.V21Preamble));
                AddHdlcFrames(action.Frames, T38DataType.V21, packets);
                packets.Add(Indicator(T38Indicator.NoSignal));
                break;
            case T30ActionKind.SendImage:
                // T.38 §5.3: training indicator, t4-non-ecm-data in chunks, the last with sig-end.
                packets.Add(Indicator(TrainingFor(action.Rate)));
                var type = DataTypeFor(action.Rate);
                var chunk = ImageChunk(action.Rate);
                var data = action.Data.Span;
                for (var pos = 0; pos < data.Length || pos == 0; pos += chunk)
                {
                    var piece = data.Slice(pos, Math.Min(chunk, data.Length - pos));
                    var last = pos + chunk >= data.Length;
                    var buffer = new byte[IfpCodec.GetDataLength(type, IfpFieldType.T4NonEcmData, piece.Length) + 2];
                    IfpCodec.TryEncodeData(type, last ? IfpFieldType.T4NonEcmSigEnd : IfpFieldType.T4NonEcmData, piece, _version, buffer, out var n);
                    packets.Add(buffer[..n]);
                    if (data.IsEmpty)
                    {
                        break;
                    }
                }

                packets.Add(Indicator(T38Indicator.NoSignal));
                break;
            case T30ActionKind.SendImageFrames:
                packets.Add(Indicator(TrainingFor(action.Rate)));
                AddHdlcFrames(action.Frames, DataTypeFor(action.Rate), packets);
                packets.Add(Indicator(T38Indicator.NoSignal));
                break;
        }
    }

    private void AddHdlcFrames(IReadOnlyList<byte[]> frames, T38DataType type, List<byte[]> packets)
    {
        for (var i = 0; i < frames.Count; i++)
        {
            var mirrored = new byte[frames[i].Length];
            HdlcBitOrder.Reverse(frames[i], mirrored);
            var buffer = new byte[IfpCodec.GetDataLength(type, IfpFieldType.HdlcData, mirrored.Length) + 4];
            var writer = new IfpDataWriter(buffer, _version, type);
            writer.AddField(IfpFieldType.HdlcData, mirrored);
            writer.AddField(i == frames.Count - 1 ? IfpFieldType.HdlcFcsOkSigEnd : IfpFieldType.HdlcFcsOk, []);
            writer.TryFinish(out var n);
            packets.Add(buffer[..n]);
        }
    }

    /// <summary>The indicator announcing training for <paramref name="rate"/> (long training for V.17).</summary>
    public static T38Indicator TrainingFor(T30Rate rate) => (rate.Modulation, rate.BitRate) switch
    {
        (T30Modulation.V27ter, 2400) => T38Indicator.V27ter2400Training,
        (T30Modulation.V27ter, _) => T38Indicator.V27ter4800Training,
        (T30Modulation.V29, 7200) => T38Indicator.V29Training7200,
        (T30Modulation.V29, _) => T38Indicator.V29Training9600,
        (T30Modulation.V17, 7200) => T38Indicator.V17LongTraining7200,
        (T30Modulation.V17, 9600) => T38Indicator.V17LongTraining9600,
        (T30Modulation.V17, 12000) => T38Indicator.V17LongTraining12000,
        _ => T38Indicator.V17LongTraining14400,
    };

    /// <summary>The IFP data type for image data at <paramref name="rate"/>.</summary>
    public static T38DataType DataTypeFor(T30Rate rate) => (rate.Modulation, rate.BitRate) switch
    {
        (T30Modulation.V27ter, 2400) => T38DataType.V27ter2400,
        (T30Modulation.V27ter, _) => T38DataType.V27ter4800,
        (T30Modulation.V29, 7200) => T38DataType.V29Rate7200,
        (T30Modulation.V29, _) => T38DataType.V29Rate9600,
        (T30Modulation.V17, 7200) => T38DataType.V17Rate7200,
        (T30Modulation.V17, 9600) => T38DataType.V17Rate9600,
        (T30Modulation.V17, 12000) => T38DataType.V17Rate12000,
        _ => T38DataType.V17Rate14400,
    };

    private byte[] Indicator(T38Indicator indicator)
    {
        var buffer = new byte[IfpCodec.MaxIndicatorLength];
        IfpCodec.TryEncodeIndicator(indicator, _version, buffer, out var n);
        return buffer[..n];
    }

    private void AppendHdlc(ReadOnlySpan<byte> data)
    {
        if (_hdlcLength + data.Length > _hdlc.Length)
        {
            // An absurdly long frame: remember it is broken, keep nothing.
            _hdlcOverflow = true;
            return;
        }

        HdlcBitOrder.Reverse(data, _hdlc.AsSpan(_hdlcLength));
        _hdlcLength += data.Length;
    }

    private void ResetHdlc()
    {
        _hdlcLength = 0;
        _hdlcOverflow = false;
    }
}
