using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Codecs;

/// <summary>Cross-checks with libtiff's CCITT codec through fax2tiff and tiffcp (Debian libtiff-tools).</summary>
public sealed class LibTiffInteropTests
{
    public static TheoryData<FaxCompression, bool, bool> Schemes() => new()
    {
        { FaxCompression.Mh, false, false },
        { FaxCompression.Mh, true, true },
        { FaxCompression.Mr, false, true },
        { FaxCompression.Mr, true, false },
        { FaxCompression.Mmr, false, false },
        { FaxCompression.Mmr, false, true },
    };

    private static IEnumerable<(string Name, BilevelImage Page)> Pages()
    {
        foreach ((string name, BilevelImage page) in TestPages.Structured(1728, 60, 11))
        {
            yield return (name + " 1728", page);
        }

        yield return ("text 2432", TestPages.TextLike(2432, 150, 3));
        yield return ("longruns 2432", TestPages.LongRuns(2432, 30, 4));
        yield return ("random 1000", TestPages.Random(1000, 30, 5, 0.3));
        yield return ("text 2048", TestPages.TextLike(2048, 90, 6));
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Fax2tiff_reads_what_we_encode(FaxCompression compression, bool byteAligned, bool lsbFirst)
    {
        string directory = LibTiffTool.TempDirectory();
        try
        {
            // fax2tiff's fixed run buffer overflows on a row changing colour at every pel (it then
            // writes without end), so the worst case is checked byte for byte against tiffcp below.
            foreach ((string name, BilevelImage page) in Pages().Where(p => !p.Name.StartsWith("checkerboard", StringComparison.Ordinal)))
            {
                var options = new FaxCodingOptions { Compression = compression, K = 4, ByteAlignedEol = byteAligned, LsbFirst = lsbFirst, Rtc = true };
                string raw = Path.Combine(directory, "page.raw");
                string tif = Path.Combine(directory, "page.tif");
                File.WriteAllBytes(raw, FaxPageCodec.Encode(page, options));
                var arguments = new List<string>
                {
                    compression == FaxCompression.Mmr ? "-4" : "-3",
                    compression == FaxCompression.Mr ? "-2" : "-1",
                    byteAligned ? "-A" : "-P",
                    lsbFirst ? "-L" : "-M",
                    "-X", page.Width.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "-o", tif, raw,
                };
                (int exit, string output) = LibTiffTool.Run("fax2tiff", [.. arguments]);
                Assert.True(exit == 0, $"{name}: fax2tiff failed: {output}");
                Assert.DoesNotContain("bad", output, StringComparison.OrdinalIgnoreCase);
                string plain = Path.Combine(directory, "plain.tif");
                (exit, output) = LibTiffTool.Run("tiffcp", "-c", "none", tif, plain);
                Assert.True(exit == 0, $"{name}: tiffcp failed: {output}");
                BilevelImage decoded = TinyTiff.ToImage(TinyTiff.Read(File.ReadAllBytes(plain)));

                // fax2tiff does not stop at RTC/EOFB: it turns those EOLs into extra white rows.
                Assert.InRange(decoded.Height, page.Height, page.Height + 6);
                for (int y = page.Height; y < decoded.Height; y++)
                {
                    Assert.True(!decoded.Row(y).ContainsAnyExcept((byte)0), $"{name}: extra row {y} is not white");
                }

                AssertSame(page, decoded, name, page.Height);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("g4")]
    [InlineData("g3:1d")]
    [InlineData("g3:1d:fill")]
    [InlineData("g3:2d")]
    [InlineData("g3:2d:fill")]
    public void We_decode_what_tiffcp_encodes(string scheme)
    {
        string directory = LibTiffTool.TempDirectory();
        try
        {
            foreach ((string name, BilevelImage page) in Pages())
            {
                string input = Path.Combine(directory, "in.tif");
                string output = Path.Combine(directory, "out.tif");
                File.WriteAllBytes(input, TinyTiff.WriteUncompressed(page));
                (int exit, string text) = LibTiffTool.Run("tiffcp", "-c", scheme, "-r", "32", input, output);
                Assert.True(exit == 0, $"{name}: tiffcp failed: {text}");

                TinyTiff.File tiff = TinyTiff.Read(File.ReadAllBytes(output));
                var options = new FaxCodingOptions
                {
                    Compression = tiff.Compression == 4 ? FaxCompression.Mmr : (tiff.T4Options & 1) != 0 ? FaxCompression.Mr : FaxCompression.Mh,
                    LsbFirst = tiff.FillOrder == 2,
                };
                Assert.Equal(scheme.Contains("fill", StringComparison.Ordinal), (tiff.T4Options & 4) != 0);
                var decoded = new BilevelImage(page.Width, page.Height);
                int row = 0;
                foreach (byte[] strip in tiff.Strips)
                {
                    // Each strip is coded on its own (T.6 / T.4 reference row resets per strip).
                    BilevelImage part = FaxPageCodec.Decode(strip, page.Width, options, out FaxDecodeStatistics statistics);
                    Assert.Equal(0, statistics.BadRows);
                    part.Pixels.CopyTo(decoded.Pixels, row * page.Stride);
                    row += part.Height;
                }

                Assert.Equal(page.Height, row);
                AssertSame(page, decoded, $"{name} via tiffcp -c {scheme}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("g4")]
    [InlineData("g3:1d")]
    [InlineData("g3:1d:fill")]
    public void We_encode_the_same_bytes_as_tiffcp(string scheme)
    {
        string directory = LibTiffTool.TempDirectory();
        try
        {
            foreach ((string name, BilevelImage page) in Pages())
            {
                string input = Path.Combine(directory, "in.tif");
                string output = Path.Combine(directory, "out.tif");
                File.WriteAllBytes(input, TinyTiff.WriteUncompressed(page));
                (int exit, string text) = LibTiffTool.Run("tiffcp", "-c", scheme, "-r", "100000", input, output);
                Assert.True(exit == 0, $"{name}: tiffcp failed: {text}");
                TinyTiff.File tiff = TinyTiff.Read(File.ReadAllBytes(output));
                Assert.Single(tiff.Strips);

                // libtiff writes TIFF-style G3 (EOL before each row, no RTC) and G4 with EOFB.
                var options = new FaxCodingOptions
                {
                    Compression = scheme == "g4" ? FaxCompression.Mmr : FaxCompression.Mh,
                    ByteAlignedEol = scheme.EndsWith("fill", StringComparison.Ordinal),
                    Rtc = scheme == "g4",
                    LsbFirst = tiff.FillOrder == 2,
                };
                byte[] ours = FaxPageCodec.Encode(page, options);
                Assert.True(ours.AsSpan().SequenceEqual(tiff.Strips[0]), $"{name}: {ours.Length} bytes, libtiff {tiff.Strips[0].Length}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void AssertSame(BilevelImage expected, BilevelImage actual, string what, int? rows = null)
    {
        Assert.True((rows ?? expected.Height) == (rows ?? actual.Height), $"{what}: {actual.Height} rows instead of {expected.Height}");
        for (int y = 0; y < expected.Height; y++)
        {
            Assert.True(TestPages.SameRow(expected.Row(y), actual.Row(y), expected.Width), $"{what}: row {y} differs");
        }
    }
}
