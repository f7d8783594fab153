using BenchmarkDotNet.Running;
using FaxPost.Bench;

// `compare [repeat]`: one-run ratios against libtiff (tiffcp) and BitMiracle.LibTiff.NET.
// Anything else goes to BenchmarkDotNet (e.g. `--filter *CodecBenchmarks* --job short`).
if (args.Length > 0 && args[0] == "compare")
{
    Comparison.Run(Corpus.Directory(), args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CodecBenchmarks).Assembly).Run(args);
