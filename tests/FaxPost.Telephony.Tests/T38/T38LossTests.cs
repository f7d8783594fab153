using System.Net;
using System.Net.Sockets;
using FaxPost.Telephony.T38;

using FaxPost.Fax.Tests.Interop;

namespace FaxPost.Telephony.Tests.T38;

/// <summary>Two endpoints through a relay that loses datagrams: UDPTL redundancy (T.38 §9.1) carries the call.</summary>
public sealed class T38LossTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t38loss-").FullName;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_seventh_datagram_lost_still_delivers_every_page(bool ecm)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 2);
        using var relay = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        relay.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var relayAt = (IPEndPoint)relay.LocalEndPoint!;
        using var receiver = new T38Endpoint(T38TestSupport.Options(null, ecm));
        using var sender = new T38Endpoint(T38TestSupport.Options(relayAt, ecm));
        using var stop = new CancellationTokenSource();
        var relaying = RelayAsync(relay, sender.LocalEndPoint.Port, receiver.LocalEndPoint.Port, stop.Token);
        var received = Path.Combine(_dir, "received.tif");
        var receiving = receiver.ReceiveAsync(received);
        var sent = await sender.SendAsync(document);
        var got = await receiving;
        await stop.CancelAsync();
        var dropped = await relaying;

        Assert.True(sent.Success, sent.Reason);
        Assert.True(got.Success, got.Reason);
        Assert.Equal(2, got.Pages);
        Assert.True(dropped > 10, $"{dropped} dropped");
        Assert.True(got.Statistics.Recovered > 0);
        if (!ecm)
        {
            // Small packets: the secondaries fill every gap.
            Assert.Equal(0, got.Statistics.Lost);
        }

        // With ECM a 256-octet frame leaves no room for secondaries in 400 octets; a lost one is
        // asked for again (PPR, T.30 A.4) and the page still arrives whole.
        T38TestSupport.AssertSamePages(document, received);
    }

    /// <summary>Forwards between the two ports both ways, dropping every seventh datagram; returns how many it dropped.</summary>
    private static async Task<int> RelayAsync(Socket relay, int a, int b, CancellationToken ct)
    {
        var buffer = new byte[2048];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        var toA = new IPEndPoint(IPAddress.Loopback, a);
        var toB = new IPEndPoint(IPAddress.Loopback, b);
        int count = 0, dropped = 0;
        while (!ct.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await relay.ReceiveFromAsync(buffer, SocketFlags.None, from, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (++count % 7 == 0)
            {
                dropped++;
                continue;
            }

            var source = (IPEndPoint)toA.Create(from);
            await relay.SendToAsync(buffer.AsMemory(0, n), SocketFlags.None, source.Port == a ? toB : toA, CancellationToken.None);
        }

        return dropped;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
