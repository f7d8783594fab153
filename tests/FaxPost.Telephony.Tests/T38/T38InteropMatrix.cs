using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using FaxPost.Fax.T30;
using FaxPost.Fax.Tests.Interop;
using FaxPost.Telephony.T38;

namespace FaxPost.Telephony.Tests.T38;

/// <summary>One call of the interop matrix: who sends, and the mode spandsp is limited to.</summary>
internal sealed record MatrixCell(bool ToSpandsp, bool Ecm, T30Modulation Modem, bool Fine, T30Compression Compression, int Pages)
{
    public string Name => string.Create(CultureInfo.InvariantCulture,
        $"{(ToSpandsp ? "faxpost-to-spandsp" : "spandsp-to-faxpost")} {(Ecm ? "ecm" : "no-ecm")} {Modem} {(Fine ? "fine" : "standard")} {Compression} {Pages}p");

    public int BitRate => Modem switch { T30Modulation.V17 => 14400, T30Modulation.V29 => 9600, _ => 4800 };

    /// <summary>spandsp's modems (T30_SUPPORT_*): the fastest one allowed and the slower ones a DIS implies.</summary>
    public string SpandspModems => Modem switch { T30Modulation.V17 => "7", T30Modulation.V29 => "3", _ => "1" };

    public string SpandspCompressions => Compression switch { T30Compression.MH => "mh", T30Compression.MR => "mh,mr", _ => "mh,mr,mmr" };

    /// <summary>spandsp's t30_stats_t encoding (T4_COMPRESSION_ITU_T4_1D = 1, T4_2D = 2, T6 = 3).</summary>
    public string SpandspEncoding => Compression switch { T30Compression.MH => "1", T30Compression.MR => "2", _ => "3" };

    public bool IsValid => Compression != T30Compression.MMR || Ecm;

    /// <summary>
    /// Generous: spandsp sends in real time (20 MH fine pages at 4800 bit/s take about 11 minutes);
    /// our sender is unpaced, so only spandsp's control frames take time.
    /// </summary>
    public int TimeoutSeconds => 120 + (Pages * (ToSpandsp ? 15 : 45));

    /// <summary>Every value of every dimension (T.4 §4.2: MMR only with ECM).</summary>
    public static IEnumerable<MatrixCell> All() =>
        from to in new[] { true, false }
        from ecm in new[] { true, false }
        from modem in new[] { T30Modulation.V17, T30Modulation.V29, T30Modulation.V27ter }
        from fine in new[] { true, false }
        from compression in new[] { T30Compression.MH, T30Compression.MR, T30Compression.MMR }
        from pages in new[] { 1, 5, 20 }
        let cell = new MatrixCell(to, ecm, modem, fine, compression, pages)
        where cell.IsValid
        select cell;

    /// <summary>The values of the six dimensions, for the pairwise check.</summary>
    public object[] Values => [ToSpandsp, Ecm, Modem, Fine, Compression, Pages];
}

/// <summary>
/// Runs the interop matrix: every cell is started on first use, all at once (or at most
/// FAXPOST_T38_MATRIX_PARALLEL at a time), so the wall time is about that of the slowest call.
/// </summary>
internal static class T38InteropMatrix
{
    /// <summary>
    /// The CI set: pairwise (every pair of values of any two dimensions appears in some cell), chosen so
    /// the slow combinations (20 pages, V.27ter, MH at fine) meet where our unpaced sender carries them,
    /// not spandsp's real-time one. About two minutes, all cells in parallel.
    /// </summary>
    public static readonly MatrixCell[] Pairwise =
    [
        new(ToSpandsp: true, Ecm: true, T30Modulation.V27ter, Fine: true, T30Compression.MMR, Pages: 1),
        new(ToSpandsp: true, Ecm: true, T30Modulation.V29, Fine: true, T30Compression.MR, Pages: 1),
        new(ToSpandsp: true, Ecm: false, T30Modulation.V17, Fine: true, T30Compression.MH, Pages: 1),
        new(ToSpandsp: false, Ecm: false, T30Modulation.V17, Fine: false, T30Compression.MR, Pages: 1),
        new(ToSpandsp: true, Ecm: false, T30Modulation.V29, Fine: true, T30Compression.MH, Pages: 5),
        new(ToSpandsp: true, Ecm: true, T30Modulation.V27ter, Fine: false, T30Compression.MR, Pages: 5),
        new(ToSpandsp: false, Ecm: true, T30Modulation.V17, Fine: true, T30Compression.MMR, Pages: 5),
        new(ToSpandsp: true, Ecm: true, T30Modulation.V17, Fine: true, T30Compression.MR, Pages: 20),
        new(ToSpandsp: true, Ecm: false, T30Modulation.V27ter, Fine: false, T30Compression.MH, Pages: 20),
        new(ToSpandsp: false, Ecm: true, T30Modulation.V27ter, Fine: false, T30Compression.MH, Pages: 5),
        new(ToSpandsp: false, Ecm: true, T30Modulation.V29, Fine: false, T30Compression.MMR, Pages: 20),
    ];

    private static readonly Lazy<Dictionary<string, Task<string>>> Runs = new(StartAll);
    private static readonly ConcurrentDictionary<(int, bool), Lazy<string>> Documents = new();
    private static readonly string Dir = Directory.CreateTempSubdirectory("faxpost-t38matrix-").FullName;

    static T38InteropMatrix() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    };

    /// <summary>FAXPOST_T38_FULL_MATRIX=1: every valid product (180 calls, over half an hour at 8 in parallel).</summary>
    public static bool Full => Environment.GetEnvironmentVariable("FAXPOST_T38_FULL_MATRIX") == "1";

    /// <summary>
    /// The cells of this run; FAXPOST_T38_MATRIX_FILTER=text keeps those whose name contains it (every
    /// cell of a run starts at once, so a test filter alone would still run them all).
    /// </summary>
    public static IEnumerable<MatrixCell> Cells =>
        (Full ? MatrixCell.All() : Pairwise).Where(c => Environment.GetEnvironmentVariable("FAXPOST_T38_MATRIX_FILTER") is not { Length: > 0 } f || c.Name.Contains(f, StringComparison.Ordinal));

    /// <summary>Waits for the cell's call (starting every cell on first use); throws its assertion failure.</summary>
    public static Task<string> RunAsync(string name) => Runs.Value[name];

    private static Dictionary<string, Task<string>> StartAll()
    {
        var parallel = int.TryParse(Environment.GetEnvironmentVariable("FAXPOST_T38_MATRIX_PARALLEL"), out var p) && p > 0 ? p : Full ? 8 : int.MaxValue;
        var gate = new SemaphoreSlim(Math.Min(parallel, 1000));
        return Cells.ToDictionary(c => c.Name, c => Task.Run(async () =>
        {
            await gate.WaitAsync();
            try
            {
                return await RunCellAsync(c);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private static string Document(int pages, bool fine) =>
        Documents.GetOrAdd((pages, fine), key => new Lazy<string>(() => SpandspHarness.MakeDocument(Dir, key.Item1, key.Item2))).Value;

    private static async Task<string> RunCellAsync(MatrixCell cell)
    {
        var document = Document(cell.Pages, cell.Fine);
        var dir = Directory.CreateTempSubdirectory("cell-").FullName;
        var received = Path.Combine(dir, "received.tif");
        var spandspPort = SpandspHarness.FreeUdpPort();
        var options = T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, spandspPort), cell.Ecm) with
        {
            CallTimeout = TimeSpan.FromSeconds(cell.TimeoutSeconds),
        };
        using var endpoint = new T38Endpoint(options);
        string[] args =
        [
            cell.ToSpandsp ? "receive" : "send", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{endpoint.LocalEndPoint.Port}",
            "--file", cell.ToSpandsp ? received : document, "--modems", cell.SpandspModems, "--compressions", cell.SpandspCompressions,
            "--timeout", $"{cell.TimeoutSeconds}", .. cell.Ecm ? Array.Empty<string>() : ["--no-ecm"],
        ];
        var spandsp = SpandspHarness.RunAsync(args, TimeSpan.FromSeconds(cell.TimeoutSeconds + 60));
        var result = cell.ToSpandsp ? await endpoint.SendAsync(document) : await endpoint.ReceiveAsync(received);
        var peer = await spandsp;
        var log = new StringBuilder().AppendLine(cell.Name)
            .AppendLine(CultureInfo.InvariantCulture, $"FaxPost: {result.End} {result.Completion} {result.Reason} pages={result.Pages} {result.Modulation} {result.BitRate} ecm={result.Ecm} {result.Compression} {result.Resolution} {result.Duration.TotalSeconds:0.0}s {result.Statistics}")
            .AppendLine(CultureInfo.InvariantCulture, $"spandsp (exit {peer.ExitCode}): {peer.Output}").ToString();

        Assert.True(result.Success, log);
        Assert.True(peer.Ok, log);
        Assert.True(cell.Pages == result.Pages, log);
        Assert.True(cell.Ecm == result.Ecm, log);
        Assert.True(cell.Compression == result.Compression, log);
        Assert.True(cell.Modem == result.Modulation && cell.BitRate == result.BitRate, log);
        Assert.True((cell.Fine ? T30Resolution.Fine : T30Resolution.Standard) == result.Resolution, log);
        Assert.True(peer[cell.ToSpandsp ? "pages_rx" : "pages_tx"] == $"{cell.Pages}", log);
        Assert.True(peer["bit_rate"] == $"{cell.BitRate}" && peer["ecm"] == (cell.Ecm ? "1" : "0") && peer["encoding"] == cell.SpandspEncoding, log);

        // Pixel for pixel: our decoder on both files, and libtiff's tiffcmp.
        T38TestSupport.AssertSamePages(document, received);
        var (same, diff) = SpandspHarness.Tool("tiffcmp", ["-t", document, received], "libtiff-tools");
        Assert.True(same == 0, $"tiffcmp: {diff}\n{log}");
        Directory.Delete(dir, recursive: true);
        return log;
    }
}
