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
    private readonly byte[] _hdlc = new byte[MaxHdlcFrame];
    private int _hdlcLength;
    private bool _hdlcOverflow;
    private T38DataType _lastDataType;

    public T38Terminal(int version)
    {
        IfpCodec.CheckVersion(version);
        _version = version;
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
                for (var i = 0; i < action.Frames.Count; i++)
                {
                    var frame = action.Frames[i];
                    var mirrored = new byte[frame.Length];
                    HdlcBitOrder.Reverse(frame, mirrored);
                    var buffer = new byte[IfpCodec.GetDataLength(T38DataType.V21, IfpFieldType.HdlcData, mirrored.Length) + 4];
                    var writer = new IfpDataWriter(buffer, _version, T38DataType.V21);
                    writer.AddField(IfpFieldType.HdlcData, mirrored);
                    writer.AddField(i == action.Frames.Count - 1 ? IfpFieldType.HdlcFcsOkSigEnd : IfpFieldType.HdlcFcsOk, []);
                    writer.TryFinish(out var n);
                    packets.Add(buffer[..n]);
                }

                packets.Add(Indicator(T38Indicator.NoSignal));
                break;
        }
    }

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
