using System.Net;
using System.Net.Sockets;

namespace FaxPost.Telephony.Tests.T38;

/// <summary>What a relay does to the datagrams of one direction. Rates are probabilities per datagram.</summary>
internal sealed record Impairment
{
    /// <summary>Drop every n-th datagram (0: none); applied before the random loss.</summary>
    public int DropEvery { get; init; }

    public double Loss { get; init; }

    public double Duplicate { get; init; }

    /// <summary>Hold a datagram back and send it after the next one.</summary>
    public double Reorder { get; init; }

    /// <summary>
    /// Sees every datagram, in order, after the random draws: returns the datagram to forward (the same
    /// array, or changed), or null to drop it.
    /// </summary>
    public Func<byte[], byte[]?>? Tamper { get; init; }

    /// <summary>Seed of the direction's random numbers: the same seed drops the same datagram numbers.</summary>
    public int Seed { get; init; } = 1;

    public static Impairment None { get; } = new();
}

/// <summary>What a relay did to one direction.</summary>
internal sealed class RelayCounters
{
    public int Datagrams;
    public int Dropped;
    public int Duplicated;
    public int Reordered;
    public int Tampered;
}

/// <summary>
/// A UDP relay between two T.38 parties on loopback that loses, duplicates and reorders datagrams
/// (reproducibly: each direction has its own seeded <see cref="Random"/>, drawn once per datagram).
/// Side A sends to <see cref="PortForA"/> and hears the relay from there; likewise B.
/// </summary>
internal sealed class ImpairingRelay : IDisposable
{
    private readonly Socket _a = Bind();
    private readonly Socket _b = Bind();
    private readonly CancellationTokenSource _stop = new();
    private readonly Impairment _aToB;
    private readonly Impairment _bToA;
    private Task? _pumps;

    public ImpairingRelay(Impairment aToB, Impairment bToA) => (_aToB, _bToA) = (aToB, bToA);

    public ImpairingRelay(Impairment both)
        : this(both, both with { Seed = both.Seed + 1000 })
    {
    }

    public int PortForA => ((IPEndPoint)_a.LocalEndPoint!).Port;

    public int PortForB => ((IPEndPoint)_b.LocalEndPoint!).Port;

    public IPEndPoint EndPointForA => new(IPAddress.Loopback, PortForA);

    public IPEndPoint EndPointForB => new(IPAddress.Loopback, PortForB);

    public RelayCounters AToB { get; } = new();

    public RelayCounters BToA { get; } = new();

    public int Dropped => AToB.Dropped + BToA.Dropped;

    /// <summary>Starts forwarding to A at <paramref name="portA"/> and to B at <paramref name="portB"/>.</summary>
    public void Start(int portA, int portB)
    {
        // Each direction on its own thread with blocking sockets: the "network" must not wait for the
        // thread pool of the process under test, which a loaded machine can starve for seconds.
        _pumps = Task.WhenAll(
            Pump(_a, _b, new IPEndPoint(IPAddress.Loopback, portB), _aToB, AToB),
            Pump(_b, _a, new IPEndPoint(IPAddress.Loopback, portA), _bToA, BToA));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_pumps is not null)
        {
            await _pumps.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private Task Pump(Socket from, Socket via, IPEndPoint to, Impairment impairment, RelayCounters counters)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Relay(from, via, to, impairment, counters);
            }
            finally
            {
                done.TrySetResult();
            }
        })
        { IsBackground = true, Name = "relay" };
        thread.Start();
        return done.Task;
    }

    private void Relay(Socket from, Socket via, IPEndPoint to, Impairment impairment, RelayCounters counters)
    {
        var random = new Random(impairment.Seed);
        var buffer = new byte[65536];
        byte[]? held = null;
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            int n;
            try
            {
                // Short polls so that a stop is noticed without closing the socket under the thread.
                if (!from.Poll(TimeSpan.FromMilliseconds(50), SelectMode.SelectRead))
                {
                    continue;
                }

                n = from.Receive(buffer);
            }
            catch (SocketException)
            {
                // ICMP port unreachable from a send to a party that has gone: keep relaying.
                continue;
            }
            catch (ObjectDisposedException)
            {
                break;
            }

            counters.Datagrams++;
            // One draw per datagram and purpose, whatever happens: the pattern depends on the datagram's number only.
            double loss = random.NextDouble(), duplicate = random.NextDouble(), reorder = random.NextDouble();
            var datagram = buffer.AsSpan(0, n).ToArray();
            if ((impairment.DropEvery > 0 && counters.Datagrams % impairment.DropEvery == 0) || loss < impairment.Loss)
            {
                counters.Dropped++;
                continue;
            }

            if (impairment.Tamper is not null)
            {
                var changed = impairment.Tamper(datagram);
                if (changed is null)
                {
                    counters.Dropped++;
                    continue;
                }

                counters.Tampered += changed == datagram ? 0 : 1;
                datagram = changed;
            }

            if (held is null && reorder < impairment.Reorder)
            {
                counters.Reordered++;
                held = datagram;
                continue;
            }

            Send(via, datagram, to);
            if (duplicate < impairment.Duplicate)
            {
                counters.Duplicated++;
                Send(via, datagram, to);
            }

            if (held is not null)
            {
                Send(via, held, to);
                held = null;
            }
        }
    }

    private static void Send(Socket via, byte[] datagram, IPEndPoint to)
    {
        try
        {
            via.SendTo(datagram, to);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The party has gone.
        }
    }

    private static Socket Bind()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return s;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _a.Dispose();
        _b.Dispose();
        _stop.Dispose();
    }
}
