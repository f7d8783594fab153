using System.Diagnostics;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Codecs;

/// <summary>
/// Ghostscript's own CCITT writers (tiffg3, tiffg32d, tiffg4, tiffcrle) render a page; our decoder
/// must give the same pels as Ghostscript's uncompressed rendering (pbmraw) of that page.
/// </summary>
public sealed class GhostscriptInteropTests
{
    private const string PageScript = """
        %!PS
        /Helvetica findfont 13 scalefont setfont
        0 1 38 { /i exch def 60 740 i 17 mul sub moveto (FaxPost codec page: the quick brown fox jumps over the lazy dog 0123456789) show } for
        /Times-Bold findfont 40 scalefont setfont 80 60 moveto (T.4 / T.6) show
        6 setlinewidth 60 70 moveto 540 330 lineto stroke
        400 200 70 0 360 arc fill
        0.5 setgray 100 120 150 90 rectfill
        showpage
        """;

    [Theory]
    [InlineData("tiffg4")]
    [InlineData("tiffg3")]
    [InlineData("tiffg32d")]
    [InlineData("tiffcrle")]
    public void We_decode_ghostscript_fax_tiffs_like_its_own_bitmap(string device)
    {
        string directory = LibTiffTool.TempDirectory();
        try
        {
            string script = Path.Combine(directory, "page.ps");
            File.WriteAllText(script, PageScript);
            string pbm = Path.Combine(directory, "page.pbm");
            string tif = Path.Combine(directory, "page.tif");
            Ghostscript("pbmraw", script, pbm);
            Ghostscript(device, script, tif);
            BilevelImage expected = ReadPbm(File.ReadAllBytes(pbm));
            Assert.True(expected.Pixels.AsSpan().ContainsAnyExcept((byte)0), "Ghostscript rendered an empty page");

            TinyTiff.File tiff = TinyTiff.Read(File.ReadAllBytes(tif));
            Assert.Equal(expected.Width, tiff.Width);
            var options = new FaxCodingOptions
            {
                Compression = tiff.Compression == 4 ? FaxCompression.Mmr : (tiff.T4Options & 1) != 0 ? FaxCompression.Mr : FaxCompression.Mh,
                LsbFirst = tiff.FillOrder == 2,

                // TIFF Compression 2 (CCITT RLE): MH rows without EOL, each starting on a byte.
                EolBeforeEachRow = tiff.Compression != 2,
                ByteAlignRows = tiff.Compression == 2,
            };
            var sink = new BilevelImageSink(tiff.Width);
            foreach (byte[] strip in tiff.Strips)
            {
                FaxDecoder decoder = FaxDecoder.Create(tiff.Width, options);
                decoder.Push(strip, sink);
                Assert.Equal(FaxDecodeStatus.PageComplete, decoder.Finish(sink));
                Assert.Equal(0, decoder.Statistics.BadRows);
            }

            TestPages.AssertSamePixels(expected, sink.ToImage());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Ghostscript(string device, string input, string output)
    {
        if (!File.Exists("/usr/bin/gs"))
        {
            throw new InvalidOperationException("/usr/bin/gs is missing: install Debian ghostscript (scripts/lib/deps.sh).");
        }

        var start = new ProcessStartInfo("/usr/bin/gs") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", $"-sDEVICE={device}", "-r204x196", "-g1728x2100", $"-sOutputFile={output}", input })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "gs did not finish");
        Assert.True(process.ExitCode == 0, $"gs -sDEVICE={device} failed: {errors.Result}");
    }

    private static BilevelImage ReadPbm(byte[] file)
    {
        int at = 0;
        string[] fields = new string[3];
        for (int i = 0; i < 3; i++)
        {
            while (char.IsWhiteSpace((char)file[at]) || file[at] == '#')
            {
                if (file[at] == '#')
                {
                    while (file[at] != '\n')
                    {
                        at++;
                    }
                }

                at++;
            }

            int start = at;
            while (!char.IsWhiteSpace((char)file[at]))
            {
                at++;
            }

            fields[i] = System.Text.Encoding.ASCII.GetString(file, start, at - start);
        }

        Assert.Equal("P4", fields[0]);
        var page = new BilevelImage(int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
        Array.Copy(file, at + 1, page.Pixels, 0, page.Pixels.Length);
        return page;
    }
}
