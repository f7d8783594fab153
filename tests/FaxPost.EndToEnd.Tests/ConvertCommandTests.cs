using System.Diagnostics;

namespace FaxPost.EndToEnd.Tests;

/// <summary><c>faxpost convert</c> as operators and scripts run it, checked with libtiff's and poppler's tools.</summary>
public sealed class ConvertCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-convert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Output)> FaxpostAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ServerProcess.Sibling("FaxPost.Cli", "faxpost.dll"));
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Theory]
    [InlineData("mh", "standard", "CCITT Group 3", 1146)]
    [InlineData("mr", "fine", "CCITT Group 3", 2292)]
    [InlineData("mmr", "fine", "CCITT Group 4", 2292)]
    public async Task A_pdf_becomes_tiff_f_that_libtiff_reads_without_warnings(string compression, string resolution, string scheme, int rows)
    {
        string pdf = Documents.Pdf(_dir, pages: 4);
        string tif = Path.Combine(_dir, $"out-{compression}.tif");

        var (exit, output) = await FaxpostAsync("convert", pdf, "-o", tif, "--compression", compression, "-r", resolution);

        Assert.True(exit == 0, output);
        Assert.Equal(4, Documents.TiffPages(tif));
        var (_, info) = Documents.Run("tiffinfo", tif);
        Assert.Contains(scheme, info, StringComparison.Ordinal);
        Assert.Contains($"Image Width: 1728 Image Length: {rows}", info, StringComparison.Ordinal);

        // libtiff decodes every page of ours (tiffcp to uncompressed fails on any coding error).
        var (copy, copyOutput) = Documents.Run("tiffcp", "-c", "none", tif, Path.Combine(_dir, "plain.tif"));
        Assert.True(copy == 0 && !copyOutput.Contains("rror", StringComparison.Ordinal), copyOutput);
    }

    [Fact]
    public async Task A_fax_tiff_becomes_a_pdf_with_the_same_pages_and_a4_size()
    {
        string tif = Path.Combine(_dir, "fax.tif");
        Assert.Equal(0, (await FaxpostAsync("convert", Documents.Pdf(_dir, 3), "-o", tif, "--compression", "mh", "-r", "standard")).Exit);
        string pdf = Path.Combine(_dir, "fax.pdf");

        var (exit, output) = await FaxpostAsync("convert", tif, "-o", pdf);

        Assert.True(exit == 0, output);
        var (_, info) = Documents.Run("pdfinfo", pdf);
        Assert.Contains("Pages:           3", info, StringComparison.Ordinal);
        Assert.Matches(@"Page size:\s+6\d\d(\.\d+)? x 84\d", info);
    }

    [Fact]
    public async Task A_thumbnail_png_of_the_first_page()
    {
        string png = Path.Combine(_dir, "thumb.png");

        var (exit, output) = await FaxpostAsync("convert", Documents.Pdf(_dir, 2), "-o", png, "--png-width", "300");

        Assert.True(exit == 0, output);
        byte[] bytes = await File.ReadAllBytesAsync(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.Equal(300, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
    }

    [Fact]
    public async Task What_cannot_be_faxed_is_refused_with_the_file_name()
    {
        string binary = Path.Combine(_dir, "program.bin");
        await File.WriteAllBytesAsync(binary, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFE, 0x00]);

        var (exit, output) = await FaxpostAsync("convert", binary, "-o", Path.Combine(_dir, "x.tif"));

        Assert.Equal(1, exit);
        Assert.Contains("program.bin", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.tif")));
    }
}
