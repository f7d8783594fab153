using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FaxPost.Core.Documents;

namespace FaxPost.Storage.Documents;

/// <summary>
/// Documents as files under &lt;root&gt;/&lt;area&gt;/&lt;yyyy&gt;/&lt;mm&gt;/&lt;random&gt;.&lt;ext&gt;; the host's root is
/// &lt;dataDirectory&gt;/documents (<see cref="InDataDirectory"/>).
/// The store picks every name (128 random bits), so no name from a request ever reaches the file
/// system. A save goes to a temporary file in the same directory, is flushed to the disk, renamed
/// into place atomically and the directory entry flushed: after SaveAsync returns the file
/// survives a crash, and a crash before leaves no half file under a real name.
/// </summary>
public sealed class FileDocumentStore : IDocumentStore
{
    private const int BufferSize = 81920;
    private readonly TimeProvider _time;

    /// <param name="root">The directory holding the documents (created if missing).</param>
    /// <param name="time">Clock for the year/month folders.</param>
    public FileDocumentStore(string root, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Root);
        }
        else
        {
            // Faxes may carry health or personal data: a new store is private to the service's user.
            Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The store of a FaxPost data directory: &lt;dataDirectory&gt;/documents.</summary>
    public static FileDocumentStore InDataDirectory(string dataDirectory, TimeProvider? time = null) =>
        new(Path.Combine(dataDirectory, "documents"), time);

    /// <summary>The absolute directory holding every document.</summary>
    public string Root { get; }

    public long AvailableBytes => new DriveInfo(Root).AvailableFreeSpace;

    public async Task<StoredFile> SaveAsync(string area, string extension, Stream content, long maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var (relative, full) = NewName(area, extension);
        string directory = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(directory, "." + Path.GetFileName(full) + ".tmp");
        long length = 0;
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    int n;
                    while ((n = await content.ReadAsync(buffer.AsMemory(0, BufferSize), ct).ConfigureAwait(false)) > 0)
                    {
                        length += n;
                        if (length > maxBytes)
                        {
                            throw new DocumentTooLargeException($"The document is larger than the limit of {maxBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes.");
                        }

                        await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                await file.FlushAsync(ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: false);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        FlushDirectory(directory);
        return new StoredFile(relative, full, length);
    }

    public StoredFile Create(string area, string extension)
    {
        var (relative, full) = NewName(area, extension);
        using (new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
        }

        FlushDirectory(Path.GetDirectoryName(full)!);
        return new StoredFile(relative, full, 0);
    }

    /// <summary>Opens for reading; others may still be writing it (a fax being received) or delete it.</summary>
    public Stream OpenRead(string relativePath) =>
        new FileStream(FullPath(relativePath), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, FileOptions.Asynchronous);

    /// <summary>The absolute path of a stored file; throws <see cref="ArgumentException"/> for any path that
    /// is not a plain relative path below the store ("..", absolute, backslashes, empty segments).</summary>
    public string FullPath(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        if (Path.IsPathRooted(relativePath) || relativePath.Contains('\\', StringComparison.Ordinal) || relativePath.Contains('\0', StringComparison.Ordinal) ||
            relativePath.Contains(':', StringComparison.Ordinal))
        {
            throw Invalid(relativePath);
        }

        foreach (var segment in relativePath.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw Invalid(relativePath);
            }
        }

        string full = Path.GetFullPath(Path.Combine(Root, relativePath));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw Invalid(relativePath);
        }

        return full;
    }

    public bool Exists(string relativePath) => File.Exists(FullPath(relativePath));

    public bool Delete(string relativePath)
    {
        string full = FullPath(relativePath);
        if (!File.Exists(full))
        {
            return false;
        }

        File.Delete(full);
        return true;
    }

    private (string Relative, string Full) NewName(string area, string extension)
    {
        ValidateName(area, nameof(area), 32);
        extension = extension?.TrimStart('.') ?? "";
        ValidateName(extension, nameof(extension), 10);
        var now = _time.GetUtcNow();
        string directory = string.Create(CultureInfo.InvariantCulture, $"{area}/{now.Year:D4}/{now.Month:D2}");
        string relative = $"{directory}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}.{extension.ToLowerInvariant()}";
        string full = FullPath(relative);
        string parent = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent))
        {
            Directory.CreateDirectory(parent);
            // A new month (or area) directory must itself be durable in its parent, up to the root.
            for (string d = parent; d.Length > Root.Length; d = Path.GetDirectoryName(d)!)
            {
                FlushDirectory(Path.GetDirectoryName(d)!);
            }
        }

        return (relative, full);
    }

    /// <summary>Areas and extensions come from code, but are checked anyway: letters, digits and '-' only.</summary>
    private static void ValidateName(string value, string parameter, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength)
        {
            throw new ArgumentException($"'{value}' is not a valid {parameter} (1 to {maxLength} letters, digits or '-').", parameter);
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                throw new ArgumentException($"'{value}' is not a valid {parameter} (1 to {maxLength} letters, digits or '-').", parameter);
            }
        }
    }

    private static ArgumentException Invalid(string relativePath) =>
        new($"'{relativePath}' is not a path inside the document store.", nameof(relativePath));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>fsync(2) on the directory makes the new entry (the rename) durable; best effort where unsupported.</summary>
    private static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            int fd = Native.Open(directory, 0 /* O_RDONLY */);
            if (fd < 0)
            {
                return;
            }

            _ = Native.Fsync(fd);
            _ = Native.Close(fd);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to call (unusual platform): the file itself is already on the disk.
        }
    }

    private static class Native
    {
        // "libc" alone resolves only where the libc.so development link exists; glibc's real name is libc.so.6.
        static Native() => NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);

        [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        public static extern int Open(string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int fd);

        private static IntPtr Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? path) =>
            name == "libc" && OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var handle) ? handle : IntPtr.Zero;
    }
}
