using FaxPost.Core.Lines;
using FaxPost.Fax.Tests.Interop;
using FaxPost.Telephony.Lines;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.Tests.Lines;
using FaxPost.Telephony.Tests.T38;
using FaxPost.Telephony.Trunks;
using static FaxPost.Telephony.Tests.Lines.SipLineTestSupport;

namespace FaxPost.Telephony.Tests.Kamailio;

/// <summary>
/// Issue 5's interop proof: two FaxPost SIP lines register at Kamailio (digest), one places a fax call
/// through it to the other (Kamailio authenticates the INVITE, finds the callee by its registration,
/// stays in the path by Record-Route), the call moves to T.38 by re-INVITE and the fax arrives; a
/// wrong password fails registration with one clear log line and no REGISTER storm.
/// </summary>
public sealed class KamailioFaxTests : IDisposable
{
    private const string NumberA = "4989123400";
    private const string NumberB = "4930555011";
    private static readonly Dictionary<string, string> Users = new() { [NumberA] = "alpha-secret", [NumberB] = "bravo-secret" };
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-kamailio-fax-").FullName;

    private static SipTrunkOptions Registered(KamailioFixture k, string user, string password, T38Policy policy) => new()
    {
        Name = "kamailio",
        Registrar = $"127.0.0.1:{k.Port}",
        Register = true,
        RegisterExpires = 300,
        Username = user,
        Password = password,
        Channels = 2,
        T38 = policy,
        NumberFormat = TrunkNumberFormat.E164WithoutPlus,
    };

    private static async Task WaitRegisteredAsync(SipFaxLine line)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (line.RegistrationState("kamailio") != SipRegistrationState.Registered)
        {
            Assert.True(DateTime.UtcNow < until, $"not registered: {line.RegistrationState("kamailio")}");
            await Task.Delay(50);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_fax_goes_from_one_registered_line_through_Kamailio_to_the_other(bool bCallsA)
    {
        await using var k = await KamailioFixture.StartAsync(Users);
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 2);
        var logA = new LogCapture();
        var logB = new LogCapture();
        await using var a = await StartAsync(Numbering("89", "1234"), logA, Registered(k, NumberA, "alpha-secret", T38Policy.Offer));
        await using var b = await StartAsync(Numbering("30", "555"), logB, Registered(k, NumberB, "bravo-secret", T38Policy.AwaitPeer));
        var (caller, callee, callerLog, calleeLog, dial, from) = bCallsA ? (b, a, logB, logA, "+" + NumberA, "+" + NumberB) : (a, b, logA, logB, "+" + NumberB, "+" + NumberA);
        var sink = new RecordingSink(_dir);
        using var stop = new CancellationTokenSource();
        var inbound = callee.RunInboundAsync(sink, stop.Token);
        await WaitRegisteredAsync(a);
        await WaitRegisteredAsync(b);

        var outcome = await caller.PlaceCallAsync(new OutboundCall(3, dial, dial, document, 0, 2, "Test " + from, from, false), new RecordingReporter(), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(90));
        var received = await sink.Completed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await inbound;

        Assert.True(outcome.Result == CallResult.Success, $"{outcome.Reason}\n{callerLog.All}\n{string.Join('\n', k.Marked)}");
        Assert.Equal(2, outcome.PagesConfirmed);
        Assert.Equal(CallResult.Success, received.Outcome.Result);
        Assert.Equal(2, received.Pages);
        Assert.Equal(from, received.SenderId);
        var offered = Assert.Single(sink.Offered);
        Assert.Equal(dial, offered.DialledNumber);
        Assert.Equal(from, offered.CallerNumber);
        T38TestSupport.AssertSamePages(document, received.Path);

        // Kamailio saw the INVITE (challenged, then authenticated), the T.38 re-INVITE and the BYE: it stayed in the path.
        Assert.True(await k.WaitForAsync("rx INVITE", 3) >= 3, string.Join('\n', k.Marked));
        Assert.True(await k.WaitForAsync("rx BYE") >= 1, string.Join('\n', k.Marked));
        Assert.Equal(0, callee.InvitesSent);
        Assert.DoesNotContain("-secret", callerLog.All + calleeLog.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_fails_registration_once_with_a_clear_line_and_no_retry_storm()
    {
        await using var k = await KamailioFixture.StartAsync(Users);
        var log = new LogCapture();
        await using var a = await StartAsync(Numbering("89", "1234"), log, Registered(k, NumberA, "not-the-password", T38Policy.Offer));

        var until = DateTime.UtcNow.AddSeconds(20);
        while (a.RegistrationState("kamailio") != SipRegistrationState.CredentialsRejected)
        {
            Assert.True(DateTime.UtcNow < until, $"state {a.RegistrationState("kamailio")}");
            await Task.Delay(50);
        }

        // A job meanwhile is not sent into a trunk that refused us: it waits for a later try.
        var outcome = await a.PlaceCallAsync(new OutboundCall(4, "+4930555011", "", "/nonexistent.tif", 0, 1, null, "+" + NumberA, false), new RecordingReporter(), CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(CallResult.LineUnavailable, outcome.Result);
        Assert.Contains("refused our credentials", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, a.InvitesSent);
        var status = Assert.Single(a.TrunkStatuses());
        Assert.False(status.Healthy);
        Assert.Contains("refused", status.State, StringComparison.Ordinal);
        // One REGISTER, challenged; one answer to the challenge, refused; then silence.
        Assert.Equal(2, k.Count($"rx REGISTER from 127.0.0.1"));
        Assert.Equal(1, k.Count($"auth failed for {NumberA}"));
        var refused = Assert.Single(log.Lines, l => l.Id.Id == 5112);
        Assert.Contains(NumberA, refused.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", log.All, StringComparison.Ordinal);
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
