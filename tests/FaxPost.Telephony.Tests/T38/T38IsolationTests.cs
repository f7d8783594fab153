using System.Net;
using System.Net.Sockets;
using FaxPost.Core.Lines;
using FaxPost.Fax.T30;
using FaxPost.Fax.Tests.Interop;
using FaxPost.Telephony.T38;

namespace FaxPost.Telephony.Tests.T38;

/// <summary>Bad calls next to a good one in the same process: each ends for its own reason, the good one is untouched.</summary>
public sealed class T38IsolationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t38iso-").FullName;

    [Fact]
    public async Task A_flooded_call_a_silent_peer_and_a_dropped_call_leave_a_concurrent_call_intact()
    {
        var document = SpandspHarness.MakeDocument(_dir, 3, fine: true);
        using var stop = new CancellationTokenSource();

        // The good call: two endpoints, three pages.
        using var receiver = new T38Endpoint(T38TestSupport.Options(null));
        using var sender = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, receiver.LocalEndPoint.Port)));
        var received = Path.Combine(_dir, "received.tif");
        var goodReceive = receiver.ReceiveAsync(received);
        var goodSend = sender.SendAsync(document);

        // A receiver flooded with garbage as fast as the socket takes it.
        using var noisy = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        noisy.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var flooded = new T38Endpoint(T38TestSupport.Options((IPEndPoint)noisy.LocalEndPoint!) with { T1 = TimeSpan.FromSeconds(3) });
        var floodedReceive = flooded.ReceiveAsync(Path.Combine(_dir, "flooded.tif"));
        var flood = Task.Run(async () =>
        {
            var random = new Random(99);
            var junk = new byte[1400];
            var sent = 0;
            while (!floodedReceive.IsCompleted)
            {
                random.NextBytes(junk);
                junk[2] = 0x7F;
                await noisy.SendToAsync(junk.AsMemory(0, random.Next(1, junk.Length)), SocketFlags.None, flooded.LocalEndPoint);
                if (++sent % 64 == 0)
                {
                    await Task.Yield();
                }
            }

            return sent;
        });

        // A sender whose peer never answers.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var unanswered = new T38Endpoint(T38TestSupport.Options((IPEndPoint)silent.LocalEndPoint!) with { T1 = TimeSpan.FromSeconds(3) });
        var unansweredSend = unanswered.SendAsync(document);

        // A call whose sender is cancelled (hung up) after its first page.
        using var dropReceiver = new T38Endpoint(T38TestSupport.Options(null));
        using var dropSender = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, dropReceiver.LocalEndPoint.Port)));
        var dropReceive = dropReceiver.ReceiveAsync(Path.Combine(_dir, "dropped.tif"));
        using var hangUp = new CancellationTokenSource();
        var dropSend = dropSender.SendAsync(document, pageConfirmed: async (p, _) =>
        {
            if (p == 1)
            {
                await hangUp.CancelAsync();
            }
        }, ct: hangUp.Token);

        var good = (await goodSend, await goodReceive);
        var floodedResult = await floodedReceive;
        var junkSent = await flood;
        var unansweredResult = await unansweredSend;
        var dropped = (await dropSend, await dropReceive);

        Assert.True(good.Item1.Success, good.Item1.Reason);
        Assert.True(good.Item2.Success, good.Item2.Reason);
        Assert.Equal(3, good.Item2.Pages);
        Assert.Equal(0, good.Item2.Statistics.Malformed + good.Item2.Statistics.IfpErrors + good.Item2.Statistics.FromStrangers);
        T38TestSupport.AssertSamePages(document, received);

        Assert.True(junkSent > 100, $"{junkSent} junk datagrams");
        Assert.Equal(T30Completion.NoIdentification, floodedResult.Completion);
        Assert.Contains("no valid T.38 from the peer", floodedResult.Reason);

        Assert.Equal(T30Completion.NoIdentification, unansweredResult.Completion);
        Assert.Equal(CallResult.NoAnswer, unansweredResult.CallResult);

        Assert.Equal(T38CallEnd.Cancelled, dropped.Item1.End);
        Assert.Equal(1, dropped.Item1.Pages);
        Assert.True(dropped.Item2.Partial, dropped.Item2.Reason);
        Assert.Equal(T30Completion.RemoteDisconnected, dropped.Item2.Completion);
        Assert.Equal(1, dropped.Item2.Pages);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
