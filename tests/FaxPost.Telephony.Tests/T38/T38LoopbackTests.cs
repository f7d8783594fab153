using System.Net;
using System.Net.Sockets;
using FaxPost.Core.Lines;
using FaxPost.Fax.T30;
using FaxPost.Telephony.T38;

using FaxPost.Fax.Tests.Interop;

namespace FaxPost.Telephony.Tests.T38;

/// <summary>Two of our endpoints fax each other over loopback, unpaced.</summary>
public sealed class T38LoopbackTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t38loop-").FullName;

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 2)]
    public async Task Two_endpoints_fax_each_other(bool ecm, int pageCount)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, pageCount);
        // The receiver learns its peer from the first datagram (no address given).
        using var receiver = new T38Endpoint(T38TestSupport.Options(null, ecm) with { LocalIdent = "+44 20 7946 0000" });
        using var sender = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, receiver.LocalEndPoint.Port), ecm) with { LocalIdent = "+49 30 1234567" });
        var received = Path.Combine(_dir, "received.tif");
        var receiving = receiver.ReceiveAsync(received);
        var sent = await sender.SendAsync(document);
        var got = await receiving;
        Assert.True(sent.Success, sent.Reason);
        Assert.True(got.Success, got.Reason);
        Assert.Equal(pageCount, sent.Pages);
        Assert.Equal(pageCount, got.Pages);
        Assert.Equal("+44 20 7946 0000", sent.RemoteIdent);
        Assert.Equal("+49 30 1234567", got.RemoteIdent);
        Assert.Equal(ecm ? T30Compression.MMR : T30Compression.MR, got.Compression);
        Assert.Equal(sender.LocalEndPoint.Port, receiver.Peer!.Port);
        T38TestSupport.AssertSamePages(document, received);
    }

    [Fact]
    public async Task Unpaced_non_ecm_pages_go_in_packets_as_large_as_the_protection_allows()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 2);
        async Task<long> SendAsync(Func<T38EndpointOptions, T38EndpointOptions> configure, string name)
        {
            using var receiver = new T38Endpoint(configure(T38TestSupport.Options(null, ecm: false)));
            using var sender = new T38Endpoint(configure(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, receiver.LocalEndPoint.Port), ecm: false)));
            var received = Path.Combine(_dir, name);
            var receiving = receiver.ReceiveAsync(received);
            var sent = await sender.SendAsync(document);
            var got = await receiving;
            Assert.True(sent.Success, sent.Reason);
            Assert.True(got.Success, got.Reason);
            Assert.Equal(0, sent.Statistics.NotSent);
            T38TestSupport.AssertSamePages(document, received);
            return sent.Statistics.DatagramsSent;
        }

        // 3 secondaries in 400 octets: 98-octet packets. No secondaries in 1400: about 1390.
        var protectedSmall = await SendAsync(o => o, "small.tif");
        var bare = await SendAsync(o => o with { Redundancy = 0, MaxDatagramSize = 1400 }, "bare.tif");
        Assert.True(bare * 4 < protectedSmall, $"{bare} datagrams without secondaries in 1400 octets, {protectedSmall} with 3 in 400");
    }

    [Fact]
    public async Task A_call_that_drops_after_page_two_keeps_two_pages_on_both_sides()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 4);
        using var receiver = new T38Endpoint(T38TestSupport.Options(null) with { T1 = TimeSpan.FromSeconds(5) });
        using var sender = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, receiver.LocalEndPoint.Port)));
        var received = Path.Combine(_dir, "received.tif");
        var receiving = receiver.ReceiveAsync(received);
        using var hangUp = new CancellationTokenSource();
        var sent = await sender.SendAsync(document, pageConfirmed: (p, _) =>
        {
            if (p == 2)
            {
                hangUp.Cancel();
            }

            return Task.CompletedTask;
        }, ct: hangUp.Token);
        var got = await receiving;
        Assert.Equal(T38CallEnd.Cancelled, sent.End);
        Assert.Equal(CallResult.TemporaryFailure, sent.CallResult);
        Assert.Equal(2, sent.Pages);
        // Our DCN reached the receiver: the far end hung up before the last page.
        Assert.Equal(T30Completion.RemoteDisconnected, got.Completion);
        Assert.Equal(CallResult.TemporaryFailure, got.CallResult);
        Assert.Equal(2, got.Pages);
        var expected = Path.Combine(_dir, "expected.tif");
        var (code, err) = SpandspHarness.Tool("tiffcp", [$"{document},0,1", expected], "libtiff-tools");
        Assert.True(code == 0, err);
        T38TestSupport.AssertSamePages(expected, received);
    }

    [Fact]
    public async Task Datagrams_from_a_third_address_are_ignored_during_a_call()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        using var receiver = new T38Endpoint(T38TestSupport.Options(null));
        using var sender = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, receiver.LocalEndPoint.Port)));
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var received = Path.Combine(_dir, "received.tif");
        var receiving = receiver.ReceiveAsync(received);
        var sending = sender.SendAsync(document);
        // The receiver takes the first datagram's source as its peer; the stranger speaks up after that.
        while (receiver.Peer is null && !receiving.IsCompleted)
        {
            await Task.Delay(1);
        }

        var random = new Random(5);
        var junk = new byte[100];
        while (!receiving.IsCompleted)
        {
            random.NextBytes(junk);
            await stranger.SendToAsync(junk, SocketFlags.None, receiver.LocalEndPoint);
            await Task.Delay(2);
        }

        var sent = await sending;
        var got = await receiving;
        Assert.True(sent.Success, sent.Reason);
        Assert.True(got.Success, got.Reason);
        Assert.True(got.Statistics.FromStrangers > 0);
        Assert.Equal(sender.LocalEndPoint.Port, receiver.Peer!.Port);
        T38TestSupport.AssertSamePages(document, received);
    }

    [Fact]
    public async Task A_page_too_long_for_the_receiver_is_split_and_confirmed_once_whole()
    {
        // One legal-length page (356 mm at 7.7 lines/mm) with a black bar every 100 rows.
        var image = new FaxPost.Imaging.Raster.BilevelImage(1728, 2744);
        for (var y = 0; y < image.Height; y += 100)
        {
            image.Row(y).Fill(0xFF);
        }

        var document = Path.Combine(_dir, "legal.tif");
        await using (var file = File.Create(document))
        await using (var writer = new FaxPost.Imaging.Tiff.TiffFaxWriter(file))
        {
            writer.AppendPage(image);
        }

        using var receiver = new T38Endpoint(T38TestSupport.Options(null) with { Capabilities = new() { MaxLength = T30PageLength.A4 } });
        using var sender = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, receiver.LocalEndPoint.Port)));
        var received = Path.Combine(_dir, "received.tif");
        var receiving = receiver.ReceiveAsync(received);
        var confirmed = new List<int>();
        var sent = await sender.SendAsync(document, pageConfirmed: (p, _) => { confirmed.Add(p); return Task.CompletedTask; });
        var got = await receiving;
        Assert.True(sent.Success, sent.Reason);
        Assert.Equal(1, sent.Pages);
        Assert.Equal([1], confirmed);
        Assert.Equal(2, got.Pages);
        var pages = FaxPost.Imaging.Tiff.TiffDocument.Read(File.ReadAllBytes(received)).Pages;
        Assert.Equal(image.Height, pages[0].Height + pages[1].Height);
        var a4 = FaxPost.Imaging.Raster.FaxGeometry.MaxRows(FaxPost.Imaging.Raster.PageLengthLimit.A4, 196);
        Assert.All(pages, p => Assert.True(p.Height <= a4, $"{p.Height} rows is longer than A4"));
    }

    [Fact]
    public async Task A_standard_resolution_receiver_gets_pages_converted_to_standard()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        using var receiver = new T38Endpoint(T38TestSupport.Options(null) with { Capabilities = new() { Fine = false, Superfine = false } });
        using var sender = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, receiver.LocalEndPoint.Port)));
        var received = Path.Combine(_dir, "received.tif");
        var receiving = receiver.ReceiveAsync(received);
        var sent = await sender.SendAsync(document);
        var got = await receiving;
        Assert.True(sent.Success, sent.Reason);
        Assert.True(got.Success, got.Reason);
        Assert.Equal(T30Resolution.Standard, sent.Resolution);
        var page = FaxPost.Imaging.Tiff.TiffDocument.Read(File.ReadAllBytes(received)).Pages[0];
        Assert.Equal(98, Math.Round(page.YDpi));
        Assert.Equal(1078, page.Height);
    }

    [Fact]
    public async Task A_peer_that_never_answers_ends_the_call_as_no_answer()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        using var sender = new T38Endpoint(T38TestSupport.Options((IPEndPoint)silent.LocalEndPoint!) with { T1 = TimeSpan.FromSeconds(2) });
        var result = await sender.SendAsync(document);
        Assert.False(result.Success);
        Assert.Equal(T38CallEnd.Protocol, result.End);
        Assert.Equal(T30Completion.NoIdentification, result.Completion);
        Assert.Equal(CallResult.NoAnswer, result.CallResult);
        Assert.Contains("nothing came from the peer", result.Reason);
        Assert.True(result.Statistics.DatagramsSent > 0);
    }

    [Fact]
    public async Task A_peer_sending_garbage_ends_the_call_with_a_specific_reason()
    {
        using var noisy = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        noisy.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var receiver = new T38Endpoint(T38TestSupport.Options((IPEndPoint)noisy.LocalEndPoint!) with { T1 = TimeSpan.FromSeconds(2) });
        var receiving = receiver.ReceiveAsync(Path.Combine(_dir, "nothing.tif"));
        var random = new Random(38);
        var junk = new byte[200];
        while (!receiving.IsCompleted)
        {
            random.NextBytes(junk);
            // A primary said to be 127 octets long in a shorter datagram: never valid UDPTL.
            junk[2] = 0x7F;
            await noisy.SendToAsync(junk.AsMemory(0, random.Next(3, 120)), SocketFlags.None, receiver.LocalEndPoint);
            await Task.Delay(5);
        }

        var result = await receiving;
        Assert.False(result.Success);
        Assert.Equal(T30Completion.NoIdentification, result.Completion);
        Assert.Equal(0, result.Pages);
        Assert.Contains("no valid T.38 from the peer", result.Reason);
        Assert.True(result.Statistics.DatagramsReceived > 10);
    }

    [Fact]
    public async Task An_unreadable_document_is_a_permanent_failure_before_any_call()
    {
        var bad = Path.Combine(_dir, "bad.tif");
        await File.WriteAllTextAsync(bad, "not a tiff");
        using var sender = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, 9)));
        var result = await sender.SendAsync(bad);
        Assert.Equal(T38CallEnd.DocumentError, result.End);
        Assert.Equal(CallResult.PermanentFailure, result.CallResult);
        Assert.Equal(0, result.Statistics.DatagramsSent);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
