using System.Buffers;
using System.Diagnostics;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Bench;

/// <summary>
/// One run, same pages: FaxPost, BitMiracle.LibTiff.NET (in process) and libtiff's tiffcp (native,
/// whole program), printed as pages per second and as ratios. tiffcp's codec time is estimated as
/// its time to convert to/from CCITT minus its time to copy the same pages uncompressed.
/// </summary>
internal static class Comparison
{
    private const int Rounds = 5;

    public static void Run(string corpusDirectory, int cliRepeat)
    {
        IReadOnlyList<BilevelImage> pages = Corpus.Load(corpusDirectory);
        Console.WriteLine($"corpus: {pages.Count} pages {Corpus.FaxWidth} x ~{pages[0].Height} from {corpusDirectory}");
        var output = new ArrayBufferWriter<byte>(1 << 20);
        byte[] pixels = new byte[pages.Max(p => p.Pixels.Length)];
        var sink = new CodecBenchmarks.PageSink(pixels);
        string work = Path.Combine(Path.GetTempPath(), "faxpost-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(work);
        try
        {
            string none = Path.Combine(work, "none.tif");
            var repeated = Enumerable.Repeat(pages, cliRepeat).SelectMany(p => p).ToList();
            using (FileStream file = File.Create(none))
            {
                LibTiffNet.Write(file, repeated, null);
            }

            double tiffcpCopy = BestSeconds(() => Tiffcp("-c", "none", none, Path.Combine(work, "copy.tif")));
            Console.WriteLine($"tiffcp -c none (uncompressed copy, baseline): {tiffcpCopy * 1000 / repeated.Count:F3} ms/page over {repeated.Count} pages");
            Console.WriteLine();
            Console.WriteLine("| scheme | coder | encode pages/s | decode pages/s | encode: FaxPost faster by | decode: FaxPost faster by | bytes/page |");
            Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (FaxCompression compression in new[] { FaxCompression.Mh, FaxCompression.Mr, FaxCompression.Mmr })
            {
                var options = new FaxCodingOptions { Compression = compression, K = 4, Rtc = compression != FaxCompression.Mmr };
                byte[][] coded = pages.Select(p => FaxPageCodec.Encode(p, options)).ToArray();
                byte[][] libTiffFiles = pages.Select(p => LibTiffNet.Encode(p, compression)).ToArray();
                double ourEncode = BestSeconds(() =>
                {
                    foreach (BilevelImage page in pages)
                    {
                        output.ResetWrittenCount();
                        FaxEncoder encoder = FaxEncoder.Create(page.Width, options);
                        encoder.EncodePage(page, output);
                        encoder.Finish(output);
                    }
                }) / pages.Count;
                double ourDecode = BestSeconds(() =>
                {
                    foreach (byte[] data in coded)
                    {
                        sink.Reset();
                        FaxDecoder decoder = FaxDecoder.Create(Corpus.FaxWidth, options);
                        decoder.Push(data, sink);
                        if (decoder.Finish(sink) != FaxDecodeStatus.PageComplete)
                        {
                            throw new InvalidOperationException(decoder.Error);
                        }
                    }
                }) / pages.Count;
                double netEncode = BestSeconds(() =>
                {
                    foreach (BilevelImage page in pages)
                    {
                        LibTiffNet.Encode(page, compression);
                    }
                }) / pages.Count;
                double netDecode = BestSeconds(() =>
                {
                    foreach (byte[] file in libTiffFiles)
                    {
                        LibTiffNet.Decode(file, pixels);
                    }
                }) / pages.Count;

                string scheme = compression switch { FaxCompression.Mh => "g3:1d", FaxCompression.Mr => "g3:2d", _ => "g4" };
                string codedFile = Path.Combine(work, $"{scheme.Replace(':', '-')}.tif");
                double cliEncode = Math.Max(1e-9, (BestSeconds(() => Tiffcp("-c", scheme, none, codedFile)) - tiffcpCopy) / repeated.Count);
                double cliDecode = Math.Max(1e-9, (BestSeconds(() => Tiffcp("-c", "none", codedFile, Path.Combine(work, "back.tif"))) - tiffcpCopy) / repeated.Count);
                double bytes = coded.Average(c => c.Length);
                string name = compression.ToString().ToUpperInvariant();
                Console.WriteLine($"| {name} | FaxPost | {1 / ourEncode:F0} | {1 / ourDecode:F0} | | | {bytes:F0} |");
                Console.WriteLine($"| {name} | libtiff (tiffcp, codec time est.) | {1 / cliEncode:F0} | {1 / cliDecode:F0} | {cliEncode / ourEncode:F2}x | {cliDecode / ourDecode:F2}x | |");
                Console.WriteLine($"| {name} | BitMiracle.LibTiff.NET | {1 / netEncode:F0} | {1 / netDecode:F0} | {netEncode / ourEncode:F2}x | {netDecode / ourDecode:F2}x | |");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static double BestSeconds(Action action)
    {
        action();
        double best = double.MaxValue;
        for (int i = 0; i < Rounds; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return best;
    }

    private static void Tiffcp(params string[] arguments)
    {
        var start = new ProcessStartInfo("tiffcp") { RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("tiffcp did not start (install libtiff-tools)");
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tiffcp {string.Join(' ', arguments)}: {errors}");
        }
    }
}
