using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Codecs;

/// <summary>
/// Mutated coded pages through each decoder: the only outcomes allowed are a clean page or a
/// reported failure. Every tenth input is also pushed in random chunks and must give the same rows.
/// </summary>
public sealed class FuzzTests
{
    private const int Iterations = 100_000;

    [Theory]
    [InlineData(FaxCompression.Mh, false)]
    [InlineData(FaxCompression.Mr, false)]
    [InlineData(FaxCompression.Mmr, false)]
    [InlineData(FaxCompression.Mr, true)]
    public void Mutated_pages_decode_cleanly_or_fail_cleanly(FaxCompression compression, bool lsb)
    {
        var random = new Random(41 + (int)compression);
        var seeds = new List<(byte[] Data, int Width, FaxCodingOptions Options)>();
        foreach (int width in new[] { 13, 64, 200, 333 })
        {
            var options = new FaxCodingOptions { Compression = compression, K = 3, Rtc = true, LsbFirst = lsb, ByteAlignedEol = width == 64, MaxRows = 64 };
            foreach ((_, BilevelImage page) in TestPages.Structured(width, 8, width))
            {
                seeds.Add((FaxPageCodec.Encode(page, options), width, options));
            }
        }

        int failures = 0;
        for (int i = 0; i < Iterations; i++)
        {
            (byte[] seed, int width, FaxCodingOptions options) = seeds[random.Next(seeds.Count)];
            byte[] input = Mutate(seed, random);
            bool ok = FaxPageCodec.TryDecode(input, width, options, out BilevelImage page, out FaxDecodeStatistics statistics, out string? error);
            Assert.Equal(page.Height, statistics.Rows);
            Assert.InRange(statistics.BadRows, 0, statistics.Rows);
            Assert.InRange(statistics.LongestBadRun, 0, statistics.BadRows);
            Assert.InRange(page.Height, 0, options.MaxRows);
            if (!ok)
            {
                failures++;
                Assert.False(string.IsNullOrEmpty(error));
            }

            if (i % 10 == 0)
            {
                // Independent second path: the same input in random chunks must give the same result.
                var sink = new BilevelImageSink(width);
                FaxDecoder decoder = FaxDecoder.Create(width, options);
                for (int offset = 0; offset < input.Length;)
                {
                    int size = Math.Min(input.Length - offset, random.Next(1, 40));
                    decoder.Push(input.AsSpan(offset, size), sink);
                    offset += size;
                }

                FaxDecodeStatus status = decoder.Finish(sink);
                Assert.Equal(ok, status != FaxDecodeStatus.Failed);
                Assert.Equal(statistics, decoder.Statistics);
                Assert.True(page.Pixels.AsSpan().SequenceEqual(sink.ToImage().Pixels), $"chunked decode differs for input {i}");
            }
        }

        // MMR cannot conceal errors, so many mutations fail there; T.4 conceals most of them.
        Assert.True(compression == FaxCompression.Mmr ? failures > Iterations / 4 : failures < Iterations / 2, $"{failures} failures");
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] data = (byte[])seed.Clone();
        switch (random.Next(6))
        {
            case 0:
            case 1:
                for (int n = 1 + random.Next(3); n > 0 && data.Length > 0; n--)
                {
                    int bit = random.Next(data.Length * 8);
                    data[bit >> 3] ^= (byte)(0x80 >> (bit & 7));
                }

                return data;
            case 2:
                if (data.Length > 0)
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }

                return data;
            case 3:
                return data.AsSpan(0, random.Next(data.Length + 1)).ToArray();
            case 4:
                {
                    int at = random.Next(data.Length + 1);
                    byte[] insert = new byte[random.Next(1, 9)];
                    random.NextBytes(insert);
                    return [.. data.AsSpan(0, at), .. insert, .. data.AsSpan(at)];
                }

            default:
                {
                    int from = random.Next(data.Length + 1);
                    int length = random.Next(data.Length - from + 1);
                    int at = random.Next(data.Length + 1);
                    return [.. data.AsSpan(0, at), .. data.AsSpan(from, length), .. data.AsSpan(at)];
                }
        }
    }
}
