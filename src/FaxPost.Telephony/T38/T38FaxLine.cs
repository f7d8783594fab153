using System.Net;
using FaxPost.Core.Lines;
using FaxPost.Fax.T30;

namespace FaxPost.Telephony.T38;

/// <summary>Settings of a <see cref="T38FaxLine"/>.</summary>
public sealed record T38FaxLineOptions
{
    public string Name { get; init; } = "t38";

    /// <summary>Where every outbound call goes (a T.38 gateway's UDPTL port; SIP will pick it per call later).</summary>
    public IPEndPoint? Peer { get; init; }

    /// <summary>Where inbound calls arrive; null for a line that only sends.</summary>
    public IPEndPoint? Inbound { get; init; }

    /// <summary>Number prefixes this line serves (least-cost routing); empty for every number.</summary>
    public IReadOnlyList<string> Prefixes { get; init; } = [];

    /// <summary>Template for each call (local address, peer and identity are set per call).</summary>
    public T38EndpointOptions Endpoint { get; init; } = new();
}

/// <summary>
/// A fax line to a fixed T.38 peer, one call at a time, no call setup: an outbound call is a T.38
/// session to <see cref="T38FaxLineOptions.Peer"/>, an inbound call is whoever sends UDPTL to
/// <see cref="T38FaxLineOptions.Inbound"/>. SIP (issue 5) goes in front of this: it will negotiate the
/// addresses and T.38 parameters (SDP) and then hand the media to a <see cref="T38Endpoint"/> the same way.
/// </summary>
public sealed class T38FaxLine : IFaxLine
{
    private readonly T38FaxLineOptions _options;
    private readonly TimeProvider _time;

    public T38FaxLine(T38FaxLineOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    public string Name => _options.Name;

    public int Channels => 1;

    public bool Serves(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        if (_options.Peer is null)
        {
            return false;
        }

        if (_options.Prefixes.Count == 0)
        {
            return true;
        }

        foreach (var prefix in _options.Prefixes)
        {
            if (e164.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public async Task<CallOutcome> PlaceCallAsync(OutboundCall call, ICallReporter reporter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(reporter);
        if (_options.Peer is null)
        {
            return new CallOutcome(CallResult.LineUnavailable, 0, null, TimeSpan.Zero, $"line {Name} has no T.38 peer for outbound calls", Name);
        }

        var template = _options.Endpoint;
        var caps = template.Capabilities;
        if (call.Fallback)
        {
            // A later try after a failed one: no ECM and no V.17, the usual cure for a poor gateway.
            var slower = caps.Modems & ~T30ModemSupport.V17;
            caps = caps with { Ecm = false, T6 = false, Modems = slower == T30ModemSupport.None ? T30ModemSupport.V27ter : slower };
        }

        var options = template with
        {
            Peer = _options.Peer,
            LocalIdent = string.IsNullOrEmpty(call.LocalId) ? template.LocalIdent : call.LocalId,
            Capabilities = caps,
        };
        reporter.Progress(new CallProgress(CallPhase.Dialling, 0, call.PageCount, null));
        T38CallResult result;
        try
        {
            using var endpoint = new T38Endpoint(options, _time);
            result = await endpoint.SendAsync(call.FaxDocument, call.FirstPage, call.PageCount, async (page, token) =>
            {
                reporter.Progress(new CallProgress(CallPhase.PageConfirmed, page, call.PageCount, null));
                await reporter.PageConfirmedAsync(page, token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return new CallOutcome(CallResult.LineUnavailable, 0, null, TimeSpan.Zero, e.Message, Name);
        }

        reporter.Progress(new CallProgress(CallPhase.Finishing, result.Pages, call.PageCount, result.RemoteIdent));
        return result.ToOutcome(Name);
    }

    public async Task RunInboundAsync(IInboundCallSink sink, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_options.Inbound is null)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return;
        }

        var calls = 0;
        while (!ct.IsCancellationRequested)
        {
            var options = _options.Endpoint with { LocalEndPoint = _options.Inbound, Peer = null, AnswerTimeout = Timeout.InfiniteTimeSpan };
            using var endpoint = new T38Endpoint(options, _time);
            InboundReception? reception = null;
            var callId = $"{Name}-{++calls}";
            var result = await endpoint.ReceiveAsync(
                async (peer, token) =>
                {
                    reception = await sink.OfferAsync(new IncomingCall(Name, null, null, callId), token).ConfigureAwait(false);
                    return reception?.DocumentPath;
                },
                (tsi, sub, token) => reception!.IdentifiedAsync(tsi.Length == 0 ? null : tsi, sub.Length == 0 ? null : sub, token),
                ct).ConfigureAwait(false);
            endpoint.Dispose();
            if (reception is not null)
            {
                await reception.CompleteAsync(result.Pages, result.ToOutcome(Name), CancellationToken.None).ConfigureAwait(false);
            }

            // Without call setup a late datagram of this call would look like a new call: let the
            // port go quiet first (SIP will make this unnecessary: it says when a call starts).
            if (result.End != T38CallEnd.Cancelled)
            {
                await DrainAsync(_options.Inbound, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Discards datagrams on <paramref name="at"/> until it has been quiet for a second (at most five).</summary>
    private async Task DrainAsync(IPEndPoint at, CancellationToken ct)
    {
        using var socket = new System.Net.Sockets.Socket(at.AddressFamily, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        socket.Bind(at);
        var buffer = new byte[2048];
        var start = _time.GetTimestamp();
        while (_time.GetElapsedTime(start) < TimeSpan.FromSeconds(5))
        {
            try
            {
                await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, ct).AsTask().WaitAsync(TimeSpan.FromSeconds(1), _time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return;
            }
        }
    }
}
