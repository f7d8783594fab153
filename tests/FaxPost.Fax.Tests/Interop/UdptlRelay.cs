using System.Net;
using System.Net.Sockets;
using FaxPost.Fax.T30;
using FaxPost.Fax.T38;

namespace FaxPost.Fax.Tests.Interop;

/// <summary>What one direction of a relayed call looked like after our UDPTL receiver and IFP decoder.</summary>
internal sealed class DirectionLog
{
    public List<T38Indicator> Indicators { get; } = [];

    /// <summary>HDLC frames completed by an hdlc-fcs-OK field, back in HDLC bit order.</summary>
    public List<byte[]> Frames { get; } = [];

    /// <summary>Data types that carried t4-non-ecm-data (TCF or non-ECM pages).</summary>
    public List<T38DataType> NonEcmDataTypes { get; } = [];

    public long NonEcmOctets { get; set; }

    public int Datagrams { get; set; }

    public int IfpErrors { get; set; }

    public List<string> Problems { get; } = [];

    public UdptlReceiverStatistics Statistics { get; set; }

    public List<T30FrameType> FrameTypes()
    {
        var types = new List<T30FrameType>();
        foreach (var f in Frames)
        {
            types.Add(T30Frame.TryParse(f, out var frame, out _) ? frame.Type : T30FrameType.Unknown);
        }

        return types;
    }
}

/// <summary>
/// Sits between two harnesses on loopback: forwards every datagram unchanged and runs it through
/// <see cref="UdptlReceiver"/> and <see cref="IfpCodec"/>, rebuilding the HDLC frames of each direction.
/// </summary>
internal sealed class UdptlRelay : IDisposable
{
    private readonly Socket _fromA = Bind();
    private readonly Socket _fromB = Bind();
    private readonly int _version;
    private readonly CancellationTokenSource _stop = new();
    private Task? _aToB;
    private Task? _bToA;

    public UdptlRelay(int version) => _version = version;

    /// <summary>Where side A must send.</summary>
    public int PortForA => ((IPEndPoint)_fromA.LocalEndPoint!).Port;

    public int PortForB => ((IPEndPoint)_fromB.LocalEndPoint!).Port;

    public DirectionLog AToB { get; } = new();

    public DirectionLog BToA { get; } = new();

    public void Start(int portA, int portB)
    {
        _aToB = Pump(_fromA, new IPEndPoint(IPAddress.Loopback, portB), AToB);
        _bToA = Pump(_fromB, new IPEndPoint(IPAddress.Loopback, portA), BToA);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        foreach (var t in new[] { _aToB, _bToA })
        {
            if (t is not null)
            {
                try
                {
                    await t;
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private async Task Pump(Socket from, IPEndPoint to, DirectionLog log)
    {
        var rx = new UdptlReceiver(new UdptlReceiverOptions { T38Version = _version });
        var hdlc = new List<byte>();
        var buffer = new byte[2048];
        var ct = _stop.Token;
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                await from.SendToAsync(buffer.AsMemory(0, n), SocketFlags.None, to, ct);
                log.Datagrams++;
                var error = rx.Receive(buffer.AsSpan(0, n));
                if (error != UdptlError.None)
                {
                    log.Problems.Add($"datagram {log.Datagrams}: {error}");
                }

                Collect(rx, log, hdlc);
            }
        }
        finally
        {
            rx.Flush();
            Collect(rx, log, hdlc);
            log.Statistics = rx.Statistics;
        }
    }

    private void Collect(UdptlReceiver rx, DirectionLog log, List<byte> hdlc)
    {
        foreach (var e in rx.Events)
        {
            if (e.Kind != UdptlEventKind.Packet)
            {
                log.Problems.Add($"{e.Kind} at {e.Sequence} ({e.Count})");
                continue;
            }

            if (!IfpCodec.TryDecode(rx.Payload(e), _version, out var packet, out var error))
            {
                log.IfpErrors++;
                log.Problems.Add($"IFP {e.Sequence}: {error} {Convert.ToHexString(rx.Payload(e))}");
                continue;
            }

            if (packet.IsIndicator)
            {
                log.Indicators.Add(packet.Indicator);
                continue;
            }

            foreach (var field in packet.Fields)
            {
                switch (field.Type)
                {
                    case IfpFieldType.HdlcData:
                        foreach (var b in field.Data)
                        {
                            // T.38 sends the first bit of each octet as its MSB; T.30 frames here are in HDLC order.
                            hdlc.Add(HdlcBitOrder.Reverse(b));
                        }

                        break;
                    case IfpFieldType.HdlcFcsOk or IfpFieldType.HdlcFcsOkSigEnd:
                        if (hdlc.Count > 0)
                        {
                            log.Frames.Add([.. hdlc]);
                        }

                        hdlc.Clear();
                        break;
                    case IfpFieldType.HdlcFcsBad or IfpFieldType.HdlcFcsBadSigEnd or IfpFieldType.HdlcSigEnd:
                        hdlc.Clear();
                        break;
                    case IfpFieldType.T4NonEcmData or IfpFieldType.T4NonEcmSigEnd:
                        if (!log.NonEcmDataTypes.Contains(packet.DataType))
                        {
                            log.NonEcmDataTypes.Add(packet.DataType);
                        }

                        log.NonEcmOctets += field.Data.Length;
                        break;
                }
            }
        }
    }

    private static Socket Bind()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return s;
    }

    public void Dispose()
    {
        _fromA.Dispose();
        _fromB.Dispose();
        _stop.Dispose();
    }
}
