using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FaxPost.Fax.T30;
using FaxPost.Fax.T38;
using FaxPost.Telephony.T38;

namespace FaxPost.Cli.Server;

/// <summary>
/// <c>faxpost t38 send|receive|poll</c>: one fax call over T.38 (UDPTL on UDP) to or from a fixed peer,
/// without SIP and without a server: for testing gateways and fax machines behind them. <c>poll</c> calls
/// to receive the far end's document (T.30 DTC); <c>receive --offer</c> answers with one to be polled.
/// Prints the T.30 result and statistics; exits 0 when the call succeeded, 1 when it failed, 2 on bad usage.
/// </summary>
internal static class T38Command
{
    public static Command Create()
    {
        var t38 = new Command("t38", "One fax call over T.38 (UDPTL) to or from a fixed peer, no SIP.");
        t38.Subcommands.Add(CreateSend());
        t38.Subcommands.Add(CreateReceive());
        t38.Subcommands.Add(CreatePoll());
        return t38;
    }

    private static Command CreateSend()
    {
        var file = new Argument<string>("file") { Description = "TIFF-F to send" };
        var peer = new Option<string>("--peer") { Description = "HOST:PORT of the far end's UDPTL", Required = true };
        var local = new Option<int>("--local") { Description = "Local UDP port (0: any)", DefaultValueFactory = _ => 0 };
        var common = new CommonOptions();
        var command = new Command("send", "Send a TIFF-F to a T.38 peer.") { file, peer, local };
        common.AddTo(command);
        command.SetAction((r, ct) => Guard("send", async () =>
        {
            var options = common.Read(r) with { LocalEndPoint = new IPEndPoint(IPAddress.Any, Port(r.GetValue(local), "--local")), Peer = await ResolveAsync(r.GetValue(peer)!, ct).ConfigureAwait(false) };
            using var endpoint = new T38Endpoint(options);
            Console.WriteLine($"sending {r.GetValue(file)} from UDP {endpoint.LocalEndPoint.Port} to {options.Peer}");
            var result = await endpoint.SendAsync(r.GetValue(file)!, pageConfirmed: (p, _) =>
            {
                Console.WriteLine($"page {p} confirmed");
                return Task.CompletedTask;
            }, ct: ct).ConfigureAwait(false);
            return Print(result);
        }));
        return command;
    }

    private static Command CreateReceive()
    {
        var listen = new Option<int>("--listen") { Description = "UDP port to listen on", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "TIFF-F to write the pages to", Required = true };
        var peer = new Option<string?>("--peer") { Description = "HOST:PORT of the far end (default: whoever sends first)" };
        var wait = new Option<int>("--wait") { Description = "Seconds to wait for a call", DefaultValueFactory = _ => 300 };
        var offer = new Option<string?>("--offer") { Description = "TIFF-F offered to be polled: a caller that polls (DTC) gets it; one that sends is received from" };
        var common = new CommonOptions();
        var command = new Command("receive", "Answer one T.38 fax call and store the pages as a TIFF-F.") { listen, output, peer, wait, offer };
        common.AddTo(command);
        command.SetAction((r, ct) => Guard("receive", async () =>
        {
            var options = common.Read(r) with
            {
                LocalEndPoint = new IPEndPoint(IPAddress.Any, Port(r.GetValue(listen), "--listen")),
                Peer = r.GetValue(peer) is { } p ? await ResolveAsync(p, ct).ConfigureAwait(false) : null,
                AnswerTimeout = TimeSpan.FromSeconds(Math.Max(1, r.GetValue(wait))),
            };
            using var endpoint = new T38Endpoint(options);
            Console.WriteLine($"listening on UDP {endpoint.LocalEndPoint.Port}{(r.GetValue(offer) is { } o ? $", offering {o} to be polled" : "")}");
            Func<string, string, CancellationToken, Task> identified = (tsi, sub, _) =>
            {
                Console.WriteLine($"call from \"{tsi}\"{(sub.Length > 0 ? $" for sub-address {sub}" : "")}");
                return Task.CompletedTask;
            };
            var result = r.GetValue(offer) is { } document
                ? await endpoint.ReceiveOfferingAsync(r.GetValue(output)!, document, PageConfirmed, identified, ct).ConfigureAwait(false)
                : await endpoint.ReceiveAsync(r.GetValue(output)!, identified, ct).ConfigureAwait(false);
            return Print(result, offered: r.GetValue(offer) is not null);
        }));
        return command;
    }

    private static Command CreatePoll()
    {
        var peer = new Option<string>("--peer") { Description = "HOST:PORT of the far end's UDPTL", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "TIFF-F to write the polled pages to", Required = true };
        var local = new Option<int>("--local") { Description = "Local UDP port (0: any)", DefaultValueFactory = _ => 0 };
        var common = new CommonOptions();
        var command = new Command("poll", "Call a T.38 peer and receive the document it offers to be polled (T.30 DTC).") { peer, output, local };
        common.AddTo(command);
        command.SetAction((r, ct) => Guard("poll", async () =>
        {
            var options = common.Read(r) with { LocalEndPoint = new IPEndPoint(IPAddress.Any, Port(r.GetValue(local), "--local")), Peer = await ResolveAsync(r.GetValue(peer)!, ct).ConfigureAwait(false) };
            using var endpoint = new T38Endpoint(options);
            Console.WriteLine($"polling {options.Peer} from UDP {endpoint.LocalEndPoint.Port}");
            var result = await endpoint.PollAsync(r.GetValue(output)!, (tsi, _, _) =>
            {
                Console.WriteLine($"document from \"{tsi}\"");
                return Task.CompletedTask;
            }, ct).ConfigureAwait(false);
            return Print(result);
        }));
        return command;
    }

    private static Task PageConfirmed(int page, CancellationToken ct)
    {
        Console.WriteLine($"page {page} confirmed");
        return Task.CompletedTask;
    }

    /// <summary>The options every verb shares.</summary>
    private sealed class CommonOptions
    {
        private readonly Option<bool> _noEcm = new("--no-ecm") { Description = "Do not use error correction mode (T.30 Annex A)" };
        private readonly Option<string> _modems = new("--modems") { Description = "Fastest modem to use: v27 (4800), v29 (9600) or v17 (14400)", DefaultValueFactory = _ => "v17" };
        private readonly Option<string?> _resolution = new("--resolution") { Description = "standard or fine (send at / offer at most)" };
        private readonly Option<int> _redundancy = new("--redundancy") { Description = "UDPTL redundancy: earlier packets repeated in each datagram", DefaultValueFactory = _ => 3 };
        private readonly Option<int> _maxDatagram = new("--max-datagram") { Description = "Largest datagram to send (T38FaxMaxDatagram)", DefaultValueFactory = _ => 400 };
        private readonly Option<bool> _noPacing = new("--no-pacing") { Description = "Send image data as fast as possible instead of at the modem rate" };
        private readonly Option<string> _ident = new("--ident") { Description = "Our TSI/CSI (up to 20 digits, '+' and spaces)", DefaultValueFactory = _ => "" };
        private readonly Option<int> _version = new("--t38-version") { Description = "T.38 version (0 to 3)", DefaultValueFactory = _ => 0 };
        private readonly Option<bool> _fec = new("--fec") { Description = "Protect datagrams with UDPTL FEC (3 x 3) instead of redundancy" };
        private readonly Option<bool> _trace = new("--trace") { Description = "Print the T.30 exchange (frames, states, pages, UDPTL losses) to standard error" };

        public void AddTo(Command command)
        {
            foreach (var option in (Option[])[_noEcm, _modems, _resolution, _redundancy, _maxDatagram, _noPacing, _ident, _version, _fec, _trace])
            {
                command.Options.Add(option);
            }
        }

        public T38EndpointOptions Read(ParseResult r)
        {
            var modems = r.GetValue(_modems)!.ToLowerInvariant() switch
            {
                "v27" or "v27ter" => T30ModemSupport.V27ter,
                "v29" => T30ModemSupport.V27ter | T30ModemSupport.V29,
                "v17" => T30ModemSupport.V27ter | T30ModemSupport.V29 | T30ModemSupport.V17,
                var other => throw new ArgumentException($"--modems is v27, v29 or v17, not '{other}'."),
            };
            T30Resolution? resolution = r.GetValue(_resolution)?.ToLowerInvariant() switch
            {
                null => null,
                "standard" => T30Resolution.Standard,
                "fine" => T30Resolution.Fine,
                var other => throw new ArgumentException($"--resolution is standard or fine, not '{other}'."),
            };
            var ecm = !r.GetValue(_noEcm);
            var ident = r.GetValue(_ident)!;
            if (ident.Length > 20 || !ident.All(T30Identity.IsAllowed))
            {
                throw new ArgumentException("--ident is up to 20 digits, '+', '#', '*' or spaces.");
            }

            return new T38EndpointOptions
            {
                T38Version = r.GetValue(_version),
                Redundancy = r.GetValue(_redundancy),
                ErrorRecovery = r.GetValue(_fec) ? UdptlErrorRecovery.Fec : UdptlErrorRecovery.Redundancy,
                Trace = r.GetValue(_trace) ? TraceLine : null,
                MaxDatagramSize = r.GetValue(_maxDatagram),
                Pacing = !r.GetValue(_noPacing),
                LocalIdent = ident,
                SendResolution = resolution,
                Capabilities = new T30Capabilities
                {
                    Modems = modems,
                    Ecm = ecm,
                    T6 = ecm,
                    // Receiving at standard: do not offer fine or better (T.30 Table 2 bit 15).
                    Fine = resolution != T30Resolution.Standard,
                    Superfine = resolution is null,
                },
            };
        }
    }

    private static readonly Lock TraceGate = new();

    /// <summary>The call's receive and step loops both trace: one line at a time on standard error.</summary>
    private static void TraceLine(string line)
    {
        lock (TraceGate)
        {
            Console.Error.WriteLine(line);
        }
    }

    private static async Task<int> Guard(string verb, Func<Task<int>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or SocketException or FormatException)
        {
            Console.Error.WriteLine($"faxpost t38 {verb}: {e.Message}");
            return 2;
        }
    }

    private static int Port(int port, string option) =>
        port is >= 0 and <= 65535 ? port : throw new ArgumentException($"{option} is a UDP port (0 to 65535).");

    private static async Task<IPEndPoint> ResolveAsync(string hostPort, CancellationToken ct)
    {
        if (IPEndPoint.TryParse(hostPort, out var direct) && direct.Port != 0)
        {
            return direct;
        }

        var colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"--peer is HOST:PORT, not '{hostPort}'.");
        }

        var addresses = await Dns.GetHostAddressesAsync(hostPort[..colon], AddressFamily.InterNetwork, ct).ConfigureAwait(false);
        return addresses.Length > 0 ? new IPEndPoint(addresses[0], port) : throw new ArgumentException($"{hostPort[..colon]} has no IPv4 address.");
    }

    private static int Print(T38CallResult result, bool offered = false)
    {
        Console.WriteLine($"T.30 result: {(result.Success ? "OK" : result.Reason)} ({result.CallResult})");
        if (offered)
        {
            // Answering with a document offered: the caller polled it (we sent) or sent to us.
            Console.WriteLine($"direction:   {(result.Transmitted ? "polled: sent" : "received")}");
        }

        Console.WriteLine($"pages:       {result.Pages}{(result.Partial ? " (partial: the call ended before the last page)" : "")}");
        Console.WriteLine($"rate:        {(result.BitRate > 0 ? $"{result.Modulation} {result.BitRate} bit/s" : "-")}");
        Console.WriteLine($"ECM:         {(result.Ecm ? "yes" : "no")}");
        Console.WriteLine($"compression: {result.Compression?.ToString() ?? "-"}");
        Console.WriteLine($"resolution:  {result.Resolution?.ToString() ?? "-"}");
        Console.WriteLine($"remote ID:   \"{result.RemoteIdent}\"");
        Console.WriteLine($"duration:    {result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        var s = result.Statistics;
        Console.WriteLine($"datagrams:   {s.DatagramsSent} sent, {s.DatagramsReceived} received ({s.Malformed} malformed, {s.IfpErrors} bad IFP, {s.Recovered} recovered, {s.Lost} lost, {s.FromStrangers} from others)");
        return result.Success ? 0 : 1;
    }
}
