using System.Net;

namespace FaxPost.Telephony.Trunks;

/// <summary>
/// A token bucket per source address (seed 002: a scanner or a flood must not tie up the server):
/// each source may send <see cref="SipRateLimitOptions.Burst"/> requests at once and then
/// <see cref="SipRateLimitOptions.RequestsPerSecond"/>. Time comes in as an argument. The table is
/// bounded: when full, idle sources are forgotten, and if none is idle new sources share one bucket.
/// Not thread-safe: the UA's receive loop owns it.
/// </summary>
public sealed class SourceRateLimiter
{
    private readonly double _rate;
    private readonly double _burst;
    private readonly int _maxSources;
    private readonly Dictionary<IPAddress, Bucket> _buckets = [];
    private Bucket _overflow;

    public SourceRateLimiter(SipRateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.RequestsPerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSources, 1);
        _rate = options.RequestsPerSecond;
        _burst = options.Burst;
        _maxSources = options.MaxSources;
        _overflow = new Bucket(_burst, TimeSpan.MinValue);
    }

    /// <summary>Sources currently tracked.</summary>
    public int Tracked => _buckets.Count;

    /// <summary>Takes one token for <paramref name="source"/> at time <paramref name="now"/> (any monotonic clock).</summary>
    public bool TryAcquire(IPAddress source, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.IsIPv4MappedToIPv6)
        {
            source = source.MapToIPv4();
        }

        if (_buckets.TryGetValue(source, out var bucket))
        {
            var ok = Take(ref bucket, now);
            _buckets[source] = bucket;
            return ok;
        }

        if (_buckets.Count >= _maxSources)
        {
            ForgetIdle(now);
        }

        if (_buckets.Count >= _maxSources)
        {
            return Take(ref _overflow, now);
        }

        bucket = new Bucket(_burst, now);
        var taken = Take(ref bucket, now);
        _buckets[source] = bucket;
        return taken;
    }

    private bool Take(ref Bucket bucket, TimeSpan now)
    {
        if (bucket.At != TimeSpan.MinValue && now > bucket.At)
        {
            bucket.Tokens = Math.Min(_burst, bucket.Tokens + ((now - bucket.At).TotalSeconds * _rate));
        }

        bucket.At = now;
        if (bucket.Tokens >= 1)
        {
            bucket.Tokens -= 1;
            return true;
        }

        return false;
    }

    /// <summary>Drops sources whose bucket has refilled: forgetting them changes nothing they may do.</summary>
    private void ForgetIdle(TimeSpan now)
    {
        var refill = TimeSpan.FromSeconds(_burst / _rate);
        List<IPAddress>? idle = null;
        foreach (var (address, bucket) in _buckets)
        {
            if (now - bucket.At >= refill)
            {
                (idle ??= []).Add(address);
            }
        }

        foreach (var address in idle ?? [])
        {
            _buckets.Remove(address);
        }
    }

    private record struct Bucket(double Tokens, TimeSpan At);
}
