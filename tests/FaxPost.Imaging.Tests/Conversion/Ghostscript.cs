using System.Diagnostics;
using FaxPost.Imaging.Conversion;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Conversion;

/// <summary>Test helpers around the real Ghostscript (Debian package ghostscript, installed by scripts/lib/deps.sh).</summary>
internal static class Ghostscript
{
    public static void Run(params string[] args)
    {
        var psi = new ProcessStartInfo("gs") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("These tests need Ghostscript: apt-get install ghostscript (scripts/lib/deps.sh install_run_deps).", e);
        }

        using (p)
        {
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, "gs failed: " + err);
        }
    }

    /// <summary>A PostScript program with one big numbered label per page.</summary>
    public static string NumberedPages(int pages) =>
        "%!PS\n/Helvetica findfont 48 scalefont setfont\n" +
        $"1 1 {pages} {{ /n exch def 72 600 moveto (Page ) show n 3 string cvs show 72 72 moveto 450 0 rlineto 4 setlinewidth stroke showpage }} for\n";

    public static string MakePdf(TempFolder dir, string name, string postScript, params string[] extra)
    {
        string ps = dir.Write(name + ".ps", postScript);
        string pdf = dir.PathOf(name);
        Run([.. new[] { "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-sPAPERSIZE=a4", "-dFIXEDMEDIA" }, .. extra, "-sOutputFile=" + pdf, ps]);
        return pdf;
    }

    public static async Task<List<BilevelImage>> RenderAll(DocumentConverter converter, string fileName, string path, ConversionOptions? options = null)
    {
        var pages = new List<BilevelImage>();
        await foreach (BilevelImage page in converter.RenderAsync(new SourceDocument(fileName, path), options ?? new ConversionOptions(), CancellationToken.None))
        {
            pages.Add(page);
        }

        return pages;
    }

    public static async Task<DocumentConversionException> Refused(DocumentConverter converter, string fileName, string path, ConversionOptions? options = null)
    {
        DocumentConversionException e = await Assert.ThrowsAsync<DocumentConversionException>(() => RenderAll(converter, fileName, path, options));
        Assert.Equal(fileName, e.FileName);
        Assert.Contains(fileName, e.Message, StringComparison.Ordinal);
        return e;
    }

    /// <summary>Horizontal bands of rows containing black: text lines, when lines do not touch.</summary>
    public static int CountBands(BilevelImage page)
    {
        int bands = 0;
        bool inBand = false;
        for (int y = 0; y < page.Height; y++)
        {
            bool black = page.Row(y).ContainsAnyExcept((byte)0);
            if (black && !inBand)
            {
                bands++;
            }

            inBand = black;
        }

        return bands;
    }

    public static bool HasBlack(BilevelImage page) => page.Pixels.AsSpan().ContainsAnyExcept((byte)0);
}

internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("faxpost-conv-").FullName;
    }

    public string Path { get; }

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text) => Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    public string Write(string name, byte[] bytes)
    {
        string p = PathOf(name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
