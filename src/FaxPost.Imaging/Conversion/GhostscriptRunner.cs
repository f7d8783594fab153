using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Conversion;

/// <summary>One Ghostscript rendering: the input (a file or bytes on stdin) and the limits.</summary>
internal sealed record GhostscriptJob(
    string FileName,
    string? InputPath,
    byte[]? Stdin,
    FaxResolution Resolution,
    PaperSize Paper,
    int MaxPages,
    TimeSpan Timeout,
    bool MayBeEncrypted);

/// <summary>
/// Runs Ghostscript as a separate process rendering to raw PBM on its stdout, which is parsed as it
/// arrives. Arguments go through ArgumentList (never a shell string); -dSAFER keeps the document from
/// touching files; on timeout or cancellation the whole process tree is killed.
/// </summary>
internal sealed class GhostscriptRunner
{
    private const int StderrKeep = 16 * 1024;
    private readonly ConverterSettings _settings;

    public GhostscriptRunner(ConverterSettings settings) => _settings = settings;

    /// <summary>Pages as Ghostscript rendered them (paper size at the fax resolution, not yet 1728 wide).</summary>
    public async IAsyncEnumerable<BilevelImage> RenderAsync(GhostscriptJob job, [EnumeratorCancellation] CancellationToken ct)
    {
        using var session = new Session(job, Start(job), ct);
        while (true)
        {
            BilevelImage? page = await session.NextPageAsync().ConfigureAwait(false);
            if (page is null)
            {
                yield break;
            }

            yield return page;
        }
    }

    internal static IReadOnlyList<string> Arguments(GhostscriptJob job)
    {
        RasterResolution r = job.Resolution.ToRaster();
        var args = new List<string>
        {
            "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dQUIET", "-dNOPROMPT",
            "-sDEVICE=pbmraw",
            FormattableString.Invariant($"-r{r.XDpi:0}x{r.YDpi:0}"),
            "-sPAPERSIZE=" + FaxPageFormat.GhostscriptPaperName(job.Paper),
            "-dFIXEDMEDIA", "-dPDFFitPage", "-dPSFitPage",

            // One page more than allowed, so that "too many" is seen without rendering the rest.
            "-dFirstPage=1", FormattableString.Invariant($"-dLastPage={job.MaxPages + 1}"),
            "-sstdout=%stderr", "-sOutputFile=-",
        };
        if (job.InputPath is not null)
        {
            args.Add("-f");
            args.Add(Path.GetFullPath(job.InputPath)); // absolute, so it can never read as an option
        }
        else
        {
            args.Add("-"); // program on stdin
        }

        return args;
    }

    private Process Start(GhostscriptJob job)
    {
        var psi = new ProcessStartInfo(_settings.GhostscriptPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = job.Stdin is not null,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string a in Arguments(job))
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            return Process.Start(psi) ?? throw ConversionError.Create(job.FileName, ConversionFailure.ConverterMissing);
        }
        catch (Win32Exception e)
        {
            throw ConversionError.Create(job.FileName, ConversionFailure.ConverterMissing, e.Message, e);
        }
    }

    private sealed class Session : IDisposable
    {
        private readonly GhostscriptJob _job;
        private readonly Process _process;
        private readonly CancellationToken _callerToken;
        private readonly CancellationTokenSource _limit;
        private readonly Task<string> _stderr;
        private readonly Task _stdin;
        private readonly PbmReader _reader;
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;
        private int _pages;
        private bool _finished;

        public Session(GhostscriptJob job, Process process, CancellationToken ct)
        {
            _job = job;
            _process = process;
            _callerToken = ct;
            _limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _limit.CancelAfter(job.Timeout);
            RasterResolution r = job.Resolution.ToRaster();
            // With -dFIXEDMEDIA a page is the paper (Legal superfine: 1734 x 5474); a document that changes
            // its device resolution to make huge pages is stopped here instead of allocating them.
            _reader = new PbmReader(r.XDpi, r.YDpi, maxWidth: 4096, maxHeight: 8192);
            _stderr = ReadBoundedAsync(process.StandardError, _limit.Token);
            _stdin = job.Stdin is null ? Task.CompletedTask : WriteStdinAsync(process, job.Stdin, _limit.Token);
        }

        public async Task<BilevelImage?> NextPageAsync()
        {
            if (_finished)
            {
                return null;
            }

            try
            {
                while (true)
                {
                    if (_start < _end)
                    {
                        int used = _reader.Read(_buffer.AsSpan(_start, _end - _start), out BilevelImage? page);
                        _start += used;
                        if (page is not null)
                        {
                            if (++_pages > _job.MaxPages)
                            {
                                Kill();
                                throw ConversionError.Create(_job.FileName, ConversionFailure.TooManyPages, $"more than {_job.MaxPages}");
                            }

                            return page;
                        }

                        continue;
                    }

                    _start = 0;
                    _end = await _process.StandardOutput.BaseStream.ReadAsync(_buffer, _limit.Token).ConfigureAwait(false);
                    if (_end == 0)
                    {
                        await FinishAsync().ConfigureAwait(false);
                        return null;
                    }
                }
            }
            catch (OperationCanceledException) when (!_callerToken.IsCancellationRequested && _limit.IsCancellationRequested)
            {
                Kill();
                throw ConversionError.Create(_job.FileName, ConversionFailure.TimedOut, $"limit {_job.Timeout.TotalSeconds:0} s");
            }
            catch (ImageFormatException e)
            {
                Kill();
                throw ConversionError.Create(_job.FileName, ConversionFailure.Broken, "the converter produced unreadable output: " + e.Message, e);
            }
        }

        private async Task FinishAsync()
        {
            _finished = true;
            await _process.WaitForExitAsync(_limit.Token).ConfigureAwait(false);
            string errors = await _stderr.ConfigureAwait(false);
            await _stdin.ConfigureAwait(false);
            if (_reader.InsidePage)
            {
                throw ConversionError.Create(_job.FileName, ConversionFailure.Broken, "rendering stopped in the middle of a page");
            }

            // Ghostscript says "This file requires a password for access." and renders nothing; a PDF with
            // only an owner password renders normally, so /Encrypt alone is no reason to refuse.
            if (_pages == 0 && (_job.MayBeEncrypted || errors.Contains("password", StringComparison.OrdinalIgnoreCase)))
            {
                throw ConversionError.Create(_job.FileName, ConversionFailure.PasswordProtected);
            }

            // A well-formed PDF whose page tree is empty: "**** Warning: PDF document has no pages."
            if (_pages == 0 && _process.ExitCode == 0 && errors.Contains("has no pages", StringComparison.OrdinalIgnoreCase) &&
                !errors.Contains("Error", StringComparison.Ordinal))
            {
                throw ConversionError.Create(_job.FileName, ConversionFailure.Empty, "it has no pages");
            }

            if (_process.ExitCode != 0 || _pages == 0)
            {
                throw ConversionError.Create(_job.FileName, ConversionFailure.Broken, FirstError(errors));
            }
        }

        // The first line Ghostscript marks as an error, to make the message specific.
        private static string? FirstError(string errors)
        {
            foreach (string line in errors.Split('\n'))
            {
                string t = line.Trim().TrimStart('*').Trim();
                if (t.Contains("Error", StringComparison.Ordinal))
                {
                    return t.Length > 160 ? t[..160] : t;
                }
            }

            return null;
        }

        public void Dispose()
        {
            Kill();
            _limit.Dispose();
            _process.Dispose();
        }

        private void Kill()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        private static async Task<string> ReadBoundedAsync(StreamReader reader, CancellationToken ct)
        {
            var text = new StringBuilder();
            char[] chunk = new char[4096];
            try
            {
                int n;
                while ((n = await reader.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
                {
                    if (text.Length < StderrKeep)
                    {
                        text.Append(chunk, 0, Math.Min(n, StderrKeep - text.Length));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The process is being killed; what was read is enough.
            }

            return text.ToString();
        }

        private static async Task WriteStdinAsync(Process process, byte[] data, CancellationToken ct)
        {
            try
            {
                Stream stdin = process.StandardInput.BaseStream;
                await stdin.WriteAsync(data, ct).ConfigureAwait(false);
                await stdin.FlushAsync(ct).ConfigureAwait(false);
                stdin.Close();
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // Ghostscript stopped reading (error, page limit, kill); its exit status tells why.
            }
        }
    }
}
