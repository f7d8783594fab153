using System.Security.Cryptography;
using FaxPost.Core;
using FaxPost.Core.Configuration;
using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Imaging.Conversion;

namespace FaxPost.Web.Ui;

/// <summary>An uploaded file kept with a draft.</summary>
public sealed record DraftFile(string Name, long Size, string Path);

/// <summary>
/// Files uploaded on the send page, converted once for the preview, kept until sent or an hour old.
/// <see cref="Pages"/> counts the preview's pages, the cover page (page 1 when <see cref="Cover"/>) included.
/// </summary>
public sealed record SendDraft(string Id, IReadOnlyList<DraftFile> Files, int Pages, bool Cover = false);

/// <summary>
/// The send page's preview: the uploaded files are stored in a draft under the data directory
/// (tmp/web-drafts/<random id>/, owned by the uploading user), converted with the post office's
/// own document factory (what will be sent is what is shown), and submitted from there, so a
/// browser without JavaScript need not upload them again. Ids are 128-bit random and bound to
/// their owner: another user's draft id finds nothing.
/// </summary>
public sealed class SendDrafts(FaxPostOptions options, IFaxDocumentFactory factory, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private string Root => Path.Combine(options.DataDirectory, "tmp", "web-drafts");

    /// <summary>
    /// Stores the files (earlier draft's files first), checks their kind and size, and converts them for the
    /// preview; with <paramref name="cover"/> the preview starts with that cover page, drawn by the same
    /// factory call the conversion worker makes for a job (its page count is set here).
    /// </summary>
    public async Task<SendDraft> CreateAsync(Principal by, IReadOnlyList<DraftFile> earlier, IReadOnlyList<(string Name, Stream Content)> uploads, FaxResolution resolution, CoverSheet? cover, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(uploads);
        RemoveOld();
        int count = earlier.Count + uploads.Count;
        if (count == 0)
        {
            throw new ValidationException("Choose at least one file to fax.");
        }

        if (count > options.Limits.MaxDocuments)
        {
            throw new ValidationException($"A fax may have at most {options.Limits.MaxDocuments} documents.");
        }

        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        string folder = Path.Combine(Root, id);
        Directory.CreateDirectory(folder);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "owner"), by.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
            var files = new List<DraftFile>();
            long budget = options.Limits.MaxUploadBytes;
            foreach (var file in earlier)
            {
                string target = Path.Combine(folder, $"{files.Count:00}.bin");
                File.Copy(file.Path, target);
                files.Add(file with { Path = target });
                budget -= file.Size;
            }

            foreach (var (name, content) in uploads)
            {
                string safe = SafeName(name, files.Count);
                string target = Path.Combine(folder, $"{files.Count:00}.bin");
                long size = await CopyLimitedAsync(content, target, budget, safe, ct).ConfigureAwait(false);
                budget -= size;
                files.Add(new DraftFile(safe, size, target));
            }

            await File.WriteAllLinesAsync(Path.Combine(folder, "names"), files.Select(f => $"{f.Size}\t{f.Name}"), ct).ConfigureAwait(false);
            foreach (var file in files)
            {
                CheckKind(file);
            }

            string preview = Path.Combine(folder, "preview.tif");
            string body = cover is null ? preview : Path.Combine(folder, "body.tif");
            var result = await factory.ConvertAsync(
                files.Select(f => new SourceDocument(f.Name, f.Path)).ToList(),
                new ConversionOptions { Resolution = resolution, MaxPages = options.Limits.MaxPages, Timeout = options.Limits.ConversionTimeout },
                body,
                ct).ConfigureAwait(false);
            if (cover is null)
            {
                return new SendDraft(id, files, result.PageCount);
            }

            int pages = await factory.WithCoverPageAsync(cover with { Pages = result.PageCount + 1 }, resolution, body, preview, ct).ConfigureAwait(false);
            File.Delete(body);
            await File.WriteAllTextAsync(Path.Combine(folder, "cover"), "", ct).ConfigureAwait(false);
            return new SendDraft(id, files, pages, Cover: true);
        }
        catch
        {
            Delete(id);
            throw;
        }
    }

    /// <summary>The caller's draft, or null (unknown, expired, or someone else's).</summary>
    public SendDraft? Find(Principal by, string? id)
    {
        ArgumentNullException.ThrowIfNull(by);
        string? folder = Folder(by, id);
        if (folder is null)
        {
            return null;
        }

        var files = new List<DraftFile>();
        int index = 0;
        foreach (string line in File.ReadAllLines(Path.Combine(folder, "names")))
        {
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            files.Add(new DraftFile(line[(tab + 1)..], long.Parse(line[..tab], System.Globalization.CultureInfo.InvariantCulture), Path.Combine(folder, $"{index++:00}.bin")));
        }

        string preview = Path.Combine(folder, "preview.tif");
        int pages = File.Exists(preview) ? Imaging.Tiff.TiffDocument.Read(File.ReadAllBytes(preview)).Pages.Count : 0;
        return new SendDraft(id!, files, pages, File.Exists(Path.Combine(folder, "cover")));
    }

    public Stream? OpenPreview(Principal by, string? id)
    {
        string? folder = Folder(by, id);
        string? preview = folder is null ? null : Path.Combine(folder, "preview.tif");
        return preview is not null && File.Exists(preview) ? File.OpenRead(preview) : null;
    }

    public void Delete(string id)
    {
        if (IsId(id))
        {
            try
            {
                Directory.Delete(Path.Combine(Root, id), recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    private string? Folder(Principal by, string? id)
    {
        if (!IsId(id))
        {
            return null;
        }

        string folder = Path.Combine(Root, id!);
        string owner = Path.Combine(folder, "owner");
        if (!File.Exists(owner) || File.ReadAllText(owner) != by.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture)
            || time.GetUtcNow() - File.GetLastWriteTimeUtc(owner) > Lifetime)
        {
            return null;
        }

        return folder;
    }

    private static bool IsId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    private void CheckKind(DraftFile file)
    {
        if (file.Size == 0)
        {
            throw new DocumentConversionException(file.Name, ConversionFailure.Empty, $"{file.Name}: the file is empty");
        }

        Span<byte> head = stackalloc byte[1024];
        int n;
        using (var stream = File.OpenRead(file.Path))
        {
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (factory.Detect(head[..n], file.Name) is null)
        {
            throw new DocumentConversionException(file.Name, ConversionFailure.UnknownType, $"{file.Name}: this kind of file cannot be faxed; send PDF, PostScript, TIFF, PNG, JPEG or plain text");
        }
    }

    private async Task<long> CopyLimitedAsync(Stream content, string target, long budget, string name, CancellationToken ct)
    {
        await using var output = File.Create(target);
        byte[] buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = await content.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            total += n;
            if (total > budget)
            {
                throw new DocumentConversionException(name, ConversionFailure.TooLarge, $"{name}: the documents are larger than {options.Limits.MaxUploadBytes / (1024 * 1024)} MiB together");
            }

            await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
        }

        return total;
    }

    private static string SafeName(string name, int index)
    {
        string file = Path.GetFileName(name.Replace('\\', '/'));
        file = new string(file.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return file.Length == 0 ? $"document {index + 1}" : file.Length > 200 ? file[..200] : file;
    }

    private void RemoveOld()
    {
        if (!Directory.Exists(Root))
        {
            return;
        }

        foreach (string folder in Directory.EnumerateDirectories(Root))
        {
            if (time.GetUtcNow() - Directory.GetLastWriteTimeUtc(folder) > Lifetime)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
