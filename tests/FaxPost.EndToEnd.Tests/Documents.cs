using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FaxPost.EndToEnd.Tests;

/// <summary>Test documents made with the real tools (Ghostscript), and checks with libtiff's tools.</summary>
internal static class Documents
{
    /// <summary>A PDF with <paramref name="pages"/> A4 pages of text, written by Ghostscript's pdfwrite.</summary>
    public static string Pdf(string directory, int pages, string name = "letter.pdf")
    {
        var ps = new StringBuilder("%!PS\n/Helvetica findfont 24 scalefont setfont\n");
        for (int p = 1; p <= pages; p++)
        {
            ps.Append(CultureInfo.InvariantCulture, $"<< /PageSize [595 842] >> setpagedevice 72 700 moveto (FaxPost end-to-end page {p} of {pages}) show 72 650 moveto (The quick brown fox jumps over the lazy dog.) show showpage\n");
        }

        string psPath = Path.Combine(directory, Path.ChangeExtension(name, ".ps"));
        File.WriteAllText(psPath, ps.ToString());
        string pdfPath = Path.Combine(directory, name);
        Run("gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-o", pdfPath, psPath);
        return pdfPath;
    }

    /// <summary>Number of pages libtiff's tiffinfo finds (fails the test on any tiffinfo warning or error).</summary>
    public static int TiffPages(string path)
    {
        var (code, output) = Run("tiffinfo", path);
        Assert.True(code == 0, "tiffinfo failed: " + output);
        Assert.DoesNotContain("Warning", output, StringComparison.OrdinalIgnoreCase);
        return output.Split('\n').Count(l => l.StartsWith("TIFF Directory", StringComparison.Ordinal));
    }

    public static (int Code, string Output) Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{tool}' is needed by this test and is not installed (scripts/test.sh installs it).", e);
        }

        using (process)
        {
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (tool == "gs" && process.ExitCode != 0)
            {
                throw new InvalidOperationException("gs failed: " + stderr);
            }

            return (process.ExitCode, stdout + stderr);
        }
    }
}
