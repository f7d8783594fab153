using FaxPost.Core.Accounts;
using FaxPost.Core.Lines;
using FaxPost.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FaxPost.Web.Tests.Pages;

/// <summary>The status page shows each trunk of a line that reports them (SIP trunks), with its state.</summary>
public sealed class PostOfficeStatusTests
{
    [Fact]
    public async Task Trunks_are_listed_with_their_registration_state()
    {
        var trunked = new TrunkedLine([
            new TrunkStatus("carrier-a", 4, 1, "registered", true),
            new TrunkStatus("carrier-b", 2, 0, "registration failed: 403 Forbidden", false),
        ]);
        await using var office = await TestPostOffice.StartAsync(runScheduler: false, services: s => s.AddSingleton<IFaxLine>(trunked));
        var clerk = await office.UserAsync("clerk", Role.PostOffice);
        using var session = await WebSession.LogInAsync(office, clerk);

        string html = await session.GetHtmlAsync("/postoffice/status");

        Assert.Contains("<td>scripted</td>", html, StringComparison.Ordinal);
        Assert.Contains("Trunks of sip", html, StringComparison.Ordinal);
        Assert.Contains("<td>carrier-a</td>", html, StringComparison.Ordinal);
        Assert.Contains("class=\"state-failed\">registration failed: 403 Forbidden</td>", html, StringComparison.Ordinal);
        Assert.Contains("class=\"state-done\">registered</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Trunks of scripted", html, StringComparison.Ordinal);
    }

    private sealed class TrunkedLine(IReadOnlyList<TrunkStatus> trunks) : IFaxLine, ITrunkStatusSource
    {
        public string Name => "sip";

        public int Channels => trunks.Sum(t => t.Channels);

        public bool Serves(string e164) => false;

        public Task<CallOutcome> PlaceCallAsync(OutboundCall call, ICallReporter reporter, CancellationToken ct) =>
            throw new InvalidOperationException("this line serves no number");

        public Task RunInboundAsync(IInboundCallSink sink, CancellationToken ct) => Task.CompletedTask;

        public IReadOnlyList<TrunkStatus> TrunkStatuses() => trunks;
    }
}
