using FaxPost.Fax.T38;
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
        using var relay = new ImpairingRelay(new Impairment { DropEvery = 7 });
        using var receiver = new T38Endpoint(T38TestSupport.Options(null, ecm));
        using var sender = new T38Endpoint(T38TestSupport.Options(relay.EndPointForA, ecm));
        relay.Start(sender.LocalEndPoint.Port, receiver.LocalEndPoint.Port);
        var received = Path.Combine(_dir, "received.tif");
        var receiving = receiver.ReceiveAsync(received);
        var sent = await sender.SendAsync(document);
        var got = await receiving;
        await relay.StopAsync();
        var dropped = relay.Dropped;

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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_fec_both_ways_every_seventh_datagram_lost_still_delivers_every_page(bool ecm)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 2);
        using var relay = new ImpairingRelay(new Impairment { DropEvery = 7 });
        var fec = (T38EndpointOptions o) => o with { ErrorRecovery = UdptlErrorRecovery.Fec, FecSpan = 3, FecEntries = 3 };
        using var receiver = new T38Endpoint(fec(T38TestSupport.Options(null, ecm)));
        using var sender = new T38Endpoint(fec(T38TestSupport.Options(relay.EndPointForA, ecm)));
        relay.Start(sender.LocalEndPoint.Port, receiver.LocalEndPoint.Port);
        var received = Path.Combine(_dir, "received-fec.tif");
        var receiving = receiver.ReceiveAsync(received);
        var sent = await sender.SendAsync(document);
        var got = await receiving;
        await relay.StopAsync();

        Assert.True(sent.Success, sent.Reason);
        Assert.True(got.Success, got.Reason);
        Assert.Equal(2, got.Pages);
        Assert.True(relay.AToB.Dropped > 10, $"{relay.AToB.Dropped} dropped");
        // Only FEC parity came: everything recovered was rebuilt from it, on both sides.
        Assert.True(got.Statistics.Recovered > 0);
        Assert.Equal(got.Statistics.Recovered, got.Statistics.RecoveredByFec);
        Assert.Equal(sent.Statistics.Recovered, sent.Statistics.RecoveredByFec);
        if (!ecm)
        {
            // One loss in seven never puts two losses in one parity group (span 3 x 3 entries: 7 apart at most).
            Assert.Equal(0, got.Statistics.Lost);
            // (A drop among the last datagrams, after the DCN, is never missed: the call is over.)
            Assert.InRange(got.Statistics.RecoveredByFec, relay.AToB.Dropped - 2, relay.AToB.Dropped);
        }

        T38TestSupport.AssertSamePages(document, received);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
