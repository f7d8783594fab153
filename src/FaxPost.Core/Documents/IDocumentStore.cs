namespace FaxPost.Core.Documents;

/// <summary>
/// Files of the post office (uploaded originals, converted TIFF-F, received faxes), addressed by
/// relative paths that the store itself chooses (never a path from a request). A saved file is
/// flushed to disk before SaveAsync returns.
/// </summary>
public interface IDocumentStore
{
    /// <summary>Copies <paramref name="content"/> into a new file under <paramref name="area"/> ("outbound", "inbound", ...).
    /// Throws <see cref="DocumentTooLargeException"/> past <paramref name="maxBytes"/> and leaves nothing behind.</summary>
    Task<StoredFile> SaveAsync(string area, string extension, Stream content, long maxBytes, CancellationToken ct);

    /// <summary>Creates a new empty file to be written by the caller (e.g. a fax being received page by page).</summary>
    StoredFile Create(string area, string extension);

    Stream OpenRead(string relativePath);

    /// <summary>The absolute path, for tools that need a file name (Ghostscript).</summary>
    string FullPath(string relativePath);

    bool Exists(string relativePath);

    bool Delete(string relativePath);

    /// <summary>Bytes free on the volume holding the store.</summary>
    long AvailableBytes { get; }
}

public sealed record StoredFile(string RelativePath, string FullPath, long Length);

public sealed class DocumentTooLargeException(string message) : Exception(message);
