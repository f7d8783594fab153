using System.Globalization;
using System.Net;
using FaxPost.Fax.Tests.Interop;
using static FaxPost.EndToEnd.Tests.PostOfficeEndToEndTests;

namespace FaxPost.EndToEnd.Tests;

/// <summary>
/// Two real faxpost servers, each configured with a <c>Sip</c> section naming the other as its trunk
/// (PBX style: no registration, inbound only from 127.0.0.1): a job on A becomes a SIP call with a
/// T.38 re-INVITE to B, whose post office routes the dialled number to a user's mailbox.
/// </summary>
public sealed class SipEndToEndTests
{
    [Fact]
    public async Task A_fax_from_one_server_reaches_a_mailbox_on_the_other_over_sip_and_t38()
    {
        int sipA = SpandspHarness.FreeUdpPort(), sipB = SpandspHarness.FreeUdpPort();
        await using var a = await ServerProcess.StartNewAsync(Configuration("5551", sipA, sipB, "+49305552", "Offer"), plain: true);
        await using var b = await ServerProcess.StartNewAsync(Configuration("5552", sipB, sipA, "+49305551", "AwaitPeer"), plain: true);
        var (_, alice) = await a.CreateUserAsync("alice", "11");
        var (_, bob) = await b.CreateUserAsync("bob", "22");
        using var asAlice = a.Bearer(alice);
        using var asBob = b.Bearer(bob);

        var submission = await JsonAsync(await asAlice.PostAsync("/api/v1/jobs", Submission(Documents.Pdf(a.DataDirectory, pages: 2), "+49 30 5552 22")));
        var done = await WaitForJobAsync(asAlice, JobIds(submission).Single(), j => j.GetProperty("final").GetBoolean(), "final");

        Assert.True(done.GetProperty("state").GetString() == "done", $"{done}\n--- A ---\n{a.Output}\n--- B ---\n{b.Output}");
        Assert.Equal(2, done.GetProperty("pagesSent").GetInt32());
        Assert.False(done.GetProperty("internal").GetBoolean());
        var fax = Assert.Single((await JsonAsync(await asBob.GetAsync("/api/v1/faxes"))).EnumerateArray());
        Assert.Equal(2, fax.GetProperty("pages").GetInt32());
        var tiff = await asBob.GetAsync($"/api/v1/faxes/{fax.GetProperty("id").GetInt64()}/document?format=tiff");
        Assert.Equal(HttpStatusCode.OK, tiff.StatusCode);
        string path = Path.Combine(b.DataDirectory, "over-sip.tif");
        await File.WriteAllBytesAsync(path, await tiff.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, Documents.TiffPages(path));
    }

    /// <summary>Organisation +49 30 &lt;base&gt; with two-digit extensions; one trunk to the other server.</summary>
    private static Dictionary<string, string> Configuration(string baseNumber, int listen, int peer, string peerPrefix, string t38)
    {
        string port = listen.ToString(CultureInfo.InvariantCulture);
        return new()
        {
            ["FAXPOST__Numbering__AreaCode"] = "30",
            ["FAXPOST__Numbering__BaseNumber"] = baseNumber,
            ["FAXPOST__Numbering__ExtensionLength"] = "2",
            ["FAXPOST__Sip__Listen__0__Transport"] = "Udp",
            ["FAXPOST__Sip__Listen__0__Address"] = "127.0.0.1",
            ["FAXPOST__Sip__Listen__0__Port"] = port,
            ["FAXPOST__Sip__Trunks__0__Name"] = "peer",
            ["FAXPOST__Sip__Trunks__0__Registrar"] = $"127.0.0.1:{peer.ToString(CultureInfo.InvariantCulture)}",
            ["FAXPOST__Sip__Trunks__0__Register"] = "false",
            ["FAXPOST__Sip__Trunks__0__Channels"] = "2",
            ["FAXPOST__Sip__Trunks__0__T38"] = t38,
            ["FAXPOST__Sip__Trunks__0__Routes__0__Prefix"] = peerPrefix,
            ["FAXPOST__Sip__Trunks__0__Routes__0__Cost"] = "1",
            ["FAXPOST__Sip__Trunks__0__FromNumber"] = $"+4930{baseNumber}",
            ["FAXPOST__Sip__Trunks__0__InboundAddresses__0"] = "127.0.0.1/32",
        };
    }
}
