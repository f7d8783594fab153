using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FaxPost.Web.Tests.Infrastructure;

/// <summary>Checks PDFs with poppler's pdfinfo (Debian poppler-utils, in scripts/lib/deps.sh), a reader that is not ours.</summary>
internal static partial class Poppler
{
    public static async Task<int> PageCountAsync(byte[] pdf, string directory)
    {
        string file = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".pdf");
        await File.WriteAllBytesAsync(file, pdf);
        var start = new ProcessStartInfo("pdfinfo", [file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("pdfinfo did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("pdfinfo is missing: apt-get install poppler-utils (scripts/lib/deps.sh installs it).", e);
        }

        using (process)
        {
            string output = await process.StandardOutput.ReadToEndAsync();
            string error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"pdfinfo refused the PDF: {error}");
            return int.Parse(PagesLine().Match(output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    [GeneratedRegex(@"^Pages:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex PagesLine();
}
