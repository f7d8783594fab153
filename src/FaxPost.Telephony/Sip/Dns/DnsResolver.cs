using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace FaxPost.Telephony.Sip.Dns;

/// <summary>The records of one type at one name, and how long they may be used.</summary>
/// <param name="Records">Records of the asked type at the name (after following CNAMEs); empty for "none".</param>
/// <param name="Ttl">How long this answer is good for (the smallest TTL used, or the negative TTL).</param>
public sealed record DnsAnswer(string Name, DnsRecordType Type, DnsResponseCode Code, IReadOnlyList<DnsRecord> Records, TimeSpan Ttl);

/// <summary>Looks up records; <see cref="DnsResolver"/> asks nameservers, tests give fixed answers.</summary>
public interface IDnsResolver
{
    /// <summary>The records of <paramref name="type"/> at <paramref name="name"/>; throws <see cref="DnsResolveException"/> when no server answers.</summary>
    Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken ct = default);
}

/// <summary>
/// A stub resolver (RFC 1035 §7): asks the configured nameservers over UDP, each in turn with a
/// timeout, for a number of rounds; asks again over TCP when the answer is truncated (§4.2.1);
/// follows CNAME chains; keeps answers (and "no such record") for their TTL on the injected clock.
/// </summary>
public sealed class DnsResolver : IDnsResolver
{
    private const int MaxCnameHops = 8;
    private const int UdpLimit = 512;
    private readonly DnsResolverOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Name, DnsRecordType Type), (DnsAnswer Answer, long Expires)> _cache = [];
    private long _queriesSent;

    public DnsResolver(DnsResolverOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    public DnsResolverOptions Options => _options;

    /// <summary>Queries sent to nameservers (cache misses), for tests and metrics.</summary>
    public long QueriesSent => Interlocked.Read(ref _queriesSent);

    public async Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var key = (Normalize(name), type);
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_cache.TryGetValue(key, out var hit) && now < hit.Expires)
            {
                return hit.Answer with { Ttl = _time.GetElapsedTime(now, hit.Expires) };
            }
        }

        var answer = await LookupAsync(key.Item1, type, ct).ConfigureAwait(false);
        lock (_gate)
        {
            if (_cache.Count >= _options.MaxCacheEntries)
            {
                var stale = _cache.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList();
                stale.ForEach(k => _cache.Remove(k));
                if (_cache.Count >= _options.MaxCacheEntries)
                {
                    _cache.Clear();
                }
            }

            _cache[key] = (answer, now + (long)(answer.Ttl.TotalSeconds * _time.TimestampFrequency));
        }

        return answer;
    }

    /// <summary>Drops every cached answer.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            _cache.Clear();
        }
    }

    internal static string Normalize(string name) => (name.EndsWith('.') && name.Length > 1 ? name[..^1] : name).ToLowerInvariant();

    private async Task<DnsAnswer> LookupAsync(string name, DnsRecordType type, CancellationToken ct)
    {
        var current = name;
        var ttl = _options.MaxTtl;
        for (var hop = 0; hop <= MaxCnameHops; hop++)
        {
            var message = await ExchangeAsync(current, type, ct).ConfigureAwait(false);
            if (message.ResponseCode == DnsResponseCode.NameError)
            {
                return new DnsAnswer(name, type, DnsResponseCode.NameError, [], Min(ttl, NegativeTtl(message)));
            }

            // RFC 1034 §3.6.2: the answer may hold a CNAME chain and then the records at its end.
            var records = new List<DnsRecord>();
            for (var link = 0; link <= MaxCnameHops; link++)
            {
                records.Clear();
                DnsCnameRecord? alias = null;
                foreach (var record in message.Answers)
                {
                    if (!NameEquals(record.Name, current))
                    {
                        continue;
                    }

                    if (record.Type == type)
                    {
                        records.Add(record);
                    }
                    else if (record is DnsCnameRecord cname)
                    {
                        alias = cname;
                    }
                }

                if (records.Count > 0 || alias is null || type == DnsRecordType.Cname)
                {
                    break;
                }

                ttl = Min(ttl, Seconds(alias.Ttl));
                current = alias.Target;
            }

            if (records.Count > 0)
            {
                foreach (var record in records)
                {
                    ttl = Min(ttl, Seconds(record.Ttl));
                }

                return new DnsAnswer(name, type, DnsResponseCode.NoError, records, ttl);
            }

            var followed = message.Answers.Any(r => r is DnsCnameRecord c && NameEquals(c.Target, current));
            if (!followed || NameEquals(current, name) && hop > 0)
            {
                return new DnsAnswer(name, type, DnsResponseCode.NoError, [], Min(ttl, NegativeTtl(message)));
            }

            // The chain leaves the server's data: ask for the end of it.
        }

        throw new DnsResolveException($"{name}: CNAME chain longer than {MaxCnameHops}.");
    }

    private TimeSpan NegativeTtl(DnsMessage message)
    {
        // RFC 2308 §5: a negative answer lives for the SOA's TTL, at most its MINIMUM.
        foreach (var record in message.Authorities)
        {
            if (record is DnsSoaRecord soa)
            {
                return Min(Seconds(Math.Min(soa.Ttl, soa.Minimum)), _options.MaxTtl);
            }
        }

        return _options.NegativeTtl;
    }

    private async Task<DnsMessage> ExchangeAsync(string name, DnsRecordType type, CancellationToken ct)
    {
        var query = new byte[DnsQuery.MaxLength];
        Exception? last = null;
        for (var attempt = 0; attempt < _options.Attempts; attempt++)
        {
            foreach (var server in _options.Servers)
            {
                var id = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
                var length = DnsQuery.Write(query, id, name, type);
                Interlocked.Increment(ref _queriesSent);
                try
                {
                    var message = await UdpExchangeAsync(server, query.AsMemory(0, length), id, name, type, ct).ConfigureAwait(false);
                    if (message.Truncated)
                    {
                        message = await TcpExchangeAsync(server, query.AsMemory(0, length), id, name, type, ct).ConfigureAwait(false);
                    }

                    if (message.ResponseCode is DnsResponseCode.NoError or DnsResponseCode.NameError)
                    {
                        return message;
                    }

                    last = new DnsResolveException($"{server} answered {message.ResponseCode} for {name} {type}.");
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    last = new DnsResolveException($"{server} did not answer {name} {type} within {_options.Timeout.TotalSeconds:0.#} s.");
                }
                catch (Exception e) when (e is SocketException or DnsFormatException or IOException)
                {
                    last = e;
                }
            }
        }

        throw new DnsResolveException($"No nameserver answered {name} {type}: {last?.Message}", last!);
    }

    private async Task<DnsMessage> UdpExchangeAsync(IPEndPoint server, ReadOnlyMemory<byte> query, ushort id, string name, DnsRecordType type, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);

        // Connected, so only the server's datagrams arrive and an ICMP "port unreachable" is an error.
        await socket.ConnectAsync(server, linked.Token).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, linked.Token).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, SocketFlags.None, linked.Token).ConfigureAwait(false);
                if (Matches(buffer.AsSpan(0, received), id, name, type, out var message))
                {
                    return message;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<DnsMessage> TcpExchangeAsync(IPEndPoint server, ReadOnlyMemory<byte> query, ushort id, string name, DnsRecordType type, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server, linked.Token).ConfigureAwait(false);
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed.AsMemory(2));
        await socket.SendAsync(framed, SocketFlags.None, linked.Token).ConfigureAwait(false);
        var received = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = received.GetMemory(4096);
            var n = await socket.ReceiveAsync(memory, SocketFlags.None, linked.Token).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException($"{server} closed the TCP connection before a whole answer.");
            }

            received.Advance(n);
            var sequence = new ReadOnlySequence<byte>(received.WrittenMemory);
            if (DnsStreamFrame.TryRead(ref sequence, out var frame))
            {
                if (Matches(frame.ToArray(), id, name, type, out var message))
                {
                    return message;
                }

                throw new DnsFormatException($"{server} answered another question over TCP.");
            }
        }
    }

    /// <summary>RFC 5452 §4.3: an answer counts only with our id and our question.</summary>
    private static bool Matches(ReadOnlySpan<byte> data, ushort id, string name, DnsRecordType type, out DnsMessage message)
    {
        message = null!;
        if (data.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(data) != id || !DnsMessage.TryParse(data, out var parsed, out _))
        {
            return false;
        }

        if (!parsed.IsResponse || parsed.Questions.Count != 1 || parsed.Questions[0].Type != type || !NameEquals(parsed.Questions[0].Name, name))
        {
            return false;
        }

        message = parsed;
        return true;
    }

    private static bool NameEquals(string a, string b) => string.Equals(Normalize(a), Normalize(b), StringComparison.Ordinal);

    private static TimeSpan Seconds(uint ttl) => TimeSpan.FromSeconds(ttl);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
