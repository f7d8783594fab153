using System.Net;
using System.Net.Sockets;
using System.Text;
using FaxPost.Fax.Tests.Interop;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.Tests.T38;
using static FaxPost.Telephony.Tests.SipStack.SipStackTestSupport;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>Transports: TCP framing in any chunks, keep-alives, UDP retransmission through a lossy relay with Record-Route.</summary>
public sealed class SipTransportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-siptransport-").FullName;

    private static string OptionsRequest(int port, string callId) => $"""
        OPTIONS sip:fax@127.0.0.1 SIP/2.0
        Via: SIP/2.0/TCP 127.0.0.1:{port};branch=z9hG4bK{Guid.NewGuid():N}
        Max-Forwards: 70
        From: <sip:peer@127.0.0.1>;tag=abc
        To: <sip:fax@127.0.0.1>
        Call-ID: {callId}
        CSeq: 1 OPTIONS
        Content-Length: 0


        """.ReplaceLineEndings("\r\n");

    private static async Task<List<SipResponse>> ReadResponsesAsync(NetworkStream stream, int count)
    {
        var pipe = System.IO.Pipelines.PipeReader.Create(stream);
        var responses = new List<SipResponse>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (responses.Count < count)
        {
            var read = await pipe.ReadAsync(timeout.Token);
            var buffer = read.Buffer;
            while (true)
            {
                var result = SipMessageParser.ParseStream(buffer);
                if (result.Status != SipParseStatus.Complete)
                {
                    break;
                }

                responses.Add((SipResponse)result.Message!);
                buffer = buffer.Slice(result.Consumed);
            }

            pipe.AdvanceTo(buffer.Start, buffer.End);
        }

        return responses;
    }

    [Fact]
    public async Task Tcp_messages_split_into_any_chunks_or_sent_together_are_framed_by_content_length()
    {
        await using var ua = await StartAsync(Options(SipTransportKind.Tcp));
        using var client = new TcpClient();
        await client.ConnectAsync(ua.LocalEndPoint(SipTransportKind.Tcp)!);
        var stream = client.GetStream();
        var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;

        // One message a few bytes at a time, with stray CRLFs before it (RFC 3261 §7.5).
        var split = Encoding.UTF8.GetBytes("\r\n" + OptionsRequest(port, "split-1"));
        var random = new Random(7);
        for (var i = 0; i < split.Length;)
        {
            var n = Math.Min(random.Next(1, 9), split.Length - i);
            await stream.WriteAsync(split.AsMemory(i, n));
            await stream.FlushAsync();
            i += n;
            await Task.Delay(1);
        }

        // Two messages in one write, the second cut before its end and completed later.
        var two = Encoding.UTF8.GetBytes(OptionsRequest(port, "two-1") + OptionsRequest(port, "two-2"));
        await stream.WriteAsync(two.AsMemory(0, two.Length - 10));
        await Task.Delay(50);
        await stream.WriteAsync(two.AsMemory(two.Length - 10));

        var responses = await ReadResponsesAsync(stream, 3);
        Assert.Equal(["split-1", "two-1", "two-2"], responses.Select(r => r.CallId));
        Assert.All(responses, r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task A_tcp_ping_gets_a_pong_and_a_framing_error_closes_the_connection()
    {
        await using var ua = await StartAsync(Options(SipTransportKind.Tcp));
        using var client = new TcpClient();
        await client.ConnectAsync(ua.LocalEndPoint(SipTransportKind.Tcp)!);
        var stream = client.GetStream();
        await stream.WriteAsync("\r\n\r\n"u8.ToArray());
        var pong = new byte[2];
        await stream.ReadExactlyAsync(pong).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("\r\n"u8.ToArray(), pong);

        // RFC 3261 §18.3: Content-Length is mandatory on streams; without it the stream cannot be framed.
        var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        await stream.WriteAsync(Encoding.UTF8.GetBytes(OptionsRequest(port, "nolength").Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal)));
        var rest = new byte[100];
        var n = await stream.ReadAsync(rest).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, n); // closed
        Assert.True(ua.MalformedMessages >= 1);
    }

    [Fact]
    public async Task A_fax_call_through_a_relay_that_drops_every_first_copy_succeeds_by_retransmission()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        var received = Path.Combine(_dir, "received.tif");
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        await using var relay = new SipLossyRelay(b.LocalEndPoint(SipTransportKind.Udp)!);
        var bResult = new TaskCompletionSource<SipFaxResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bCall = new TaskCompletionSource<SipCall>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.IncomingCall = async (incoming, ct) =>
        {
            var call = await incoming.AnswerAsync(ct);
            bCall.TrySetResult(call);
            bResult.TrySetResult(await call.ReceiveFaxAsync(received, FaxSettings(SipT38Policy.Wait, "+2 222"), ct: ct));
        };

        var invite = await Within(a.InviteAsync(new SipInviteOptions
        {
            Target = UriOf(b, SipTransportKind.Udp),
            OutboundProxy = SipUri.Parse($"sip:127.0.0.1:{relay.Port};lr"),
        }));
        Assert.True(invite.IsSuccess, invite.ToString());
        var call = invite.Call!;
        Assert.Equal(relay.Port, Assert.Single(call.RouteSet).Uri.Port);
        Assert.Equal(relay.Port, Assert.Single((await Within(bCall.Task)).RouteSet).Uri.Port);
        var sent = await Within(call.SendFaxAsync(document, FaxSettings(SipT38Policy.Offer, "+1 111")), 120);
        var got = await Within(bResult.Task, 120);
        Assert.True(sent.Success && got.Success, $"sent: {sent}; received: {got}");
        T38TestSupport.AssertSamePages(document, received);

        // Every message needed a retransmission: INVITE, its 200 and ACK, the re-INVITE, its 200 and ACK, BYE and its 200.
        Assert.True(relay.Dropped >= 8, $"dropped {relay.Dropped}");
        var forwarded = relay.Forwarded.ToArray();
        Assert.Contains(forwarded, l => l.StartsWith("ACK ", StringComparison.Ordinal));
        Assert.Contains(forwarded, l => l.StartsWith("BYE ", StringComparison.Ordinal));
        Assert.True(forwarded.Count(l => l.StartsWith("INVITE ", StringComparison.Ordinal)) >= 2); // call and re-INVITE via the relay
        await Eventually(() => a.ActiveCalls == 0 && b.ActiveCalls == 0, "both calls ended");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
