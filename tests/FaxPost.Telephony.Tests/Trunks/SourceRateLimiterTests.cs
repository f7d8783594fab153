using System.Net;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Tests.Trunks;

public sealed class SourceRateLimiterTests
{
    private static IPAddress Source(int i) => new([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);

    [Fact]
    public void The_burst_passes_then_the_rate_applies()
    {
        var limiter = new SourceRateLimiter(new SipRateLimitOptions { RequestsPerSecond = 4, Burst = 2 });
        var a = Source(1);

        Assert.True(limiter.TryAcquire(a, TimeSpan.Zero));
        Assert.True(limiter.TryAcquire(a, TimeSpan.Zero));
        Assert.False(limiter.TryAcquire(a, TimeSpan.Zero));
        Assert.False(limiter.TryAcquire(a, TimeSpan.FromMilliseconds(200)));
        Assert.True(limiter.TryAcquire(a, TimeSpan.FromMilliseconds(260)));
        // A long pause refills to the burst, not beyond it.
        Assert.True(limiter.TryAcquire(a, TimeSpan.FromHours(1)));
        Assert.True(limiter.TryAcquire(a, TimeSpan.FromHours(1)));
        Assert.False(limiter.TryAcquire(a, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void The_table_stays_bounded_and_idle_sources_are_forgotten()
    {
        var limiter = new SourceRateLimiter(new SipRateLimitOptions { RequestsPerSecond = 1, Burst = 1, MaxSources = 50 });
        for (var i = 0; i < 1000; i++)
        {
            limiter.TryAcquire(Source(i), TimeSpan.Zero);
        }

        Assert.Equal(50, limiter.Tracked);

        // Beyond the table, newcomers share one bucket: one passes, the rest wait.
        Assert.False(limiter.TryAcquire(Source(5000), TimeSpan.Zero));

        // Once the tracked sources have refilled they are forgotten and new ones get their own bucket.
        Assert.True(limiter.TryAcquire(Source(6000), TimeSpan.FromSeconds(2)));
        Assert.True(limiter.TryAcquire(Source(6001), TimeSpan.FromSeconds(2)));
        Assert.True(limiter.Tracked <= 50);
    }
}
