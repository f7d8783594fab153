using System.Text.RegularExpressions;
using FaxPost.Core.Documents;
using FaxPost.Storage.Documents;

namespace FaxPost.Storage.Tests.Documents;

public sealed partial class FileDocumentStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 9, 23, 30, 0, TimeSpan.FromHours(-5)); // 2026-03-10 in UTC

    private readonly string _directory = Directory.CreateTempSubdirectory("faxpost-docs-").FullName;
    private readonly FileDocumentStore _store;

    public FileDocumentStoreTests()
    {
        _store = FileDocumentStore.InDataDirectory(_directory, new FixedTime(Now));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Saved_content_round_trips_under_a_name_the_store_chose()
    {
        byte[] content = RandomBytes(200_000, seed: 1);

        var stored = await _store.SaveAsync("outbound", ".PDF", new MemoryStream(content), maxBytes: 1_000_000, CancellationToken.None);

        Assert.Matches(StoredName(), stored.RelativePath);
        Assert.StartsWith("outbound/2026/03/", stored.RelativePath, StringComparison.Ordinal);
        Assert.EndsWith(".pdf", stored.RelativePath, StringComparison.Ordinal);
        Assert.Equal(content.Length, stored.Length);
        Assert.Equal(Path.Combine(_directory, "documents", "outbound", "2026", "03", Path.GetFileName(stored.RelativePath)), stored.FullPath);
        Assert.Equal(stored.FullPath, _store.FullPath(stored.RelativePath));
        Assert.True(_store.Exists(stored.RelativePath));
        await using (var read = _store.OpenRead(stored.RelativePath))
        {
            var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
        }

        var second = await _store.SaveAsync("outbound", "pdf", new MemoryStream(content), 1_000_000, CancellationToken.None);
        Assert.NotEqual(stored.RelativePath, second.RelativePath);
        Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(stored.FullPath)!).Length); // no temporary files left
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Content_arriving_in_any_chunks_is_stored_whole(int chunk)
    {
        byte[] content = RandomBytes(50_001, seed: chunk);

        var stored = await _store.SaveAsync("inbound", "tif", new TrickleStream(content, chunk), content.Length, CancellationToken.None);

        Assert.Equal(content, await File.ReadAllBytesAsync(stored.FullPath));
    }

    [Fact]
    public async Task A_too_large_upload_is_refused_and_leaves_no_file()
    {
        byte[] content = RandomBytes(100_001, seed: 2);

        var e = await Assert.ThrowsAsync<DocumentTooLargeException>(
            () => _store.SaveAsync("outbound", "pdf", new TrickleStream(content, 1000), maxBytes: 100_000, CancellationToken.None));

        Assert.Contains("100,000", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_directory, "documents"), "*", SearchOption.AllDirectories));

        // Exactly at the limit is fine.
        var stored = await _store.SaveAsync("outbound", "pdf", new MemoryStream(content, 0, 100_000), maxBytes: 100_000, CancellationToken.None);
        Assert.Equal(100_000, stored.Length);
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_no_file()
    {
        using var cts = new CancellationTokenSource();
        var source = new TrickleStream(RandomBytes(10_000, seed: 3), 100, afterBytes: 5_000, onPassed: cts.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.SaveAsync("outbound", "pdf", source, 1_000_000, cts.Token));

        Assert.Empty(Directory.GetFiles(Path.Combine(_directory, "documents"), "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("outbound/../../outside.txt")]
    [InlineData("outbound/2026/../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("outbound\\..\\..\\outside.txt")]
    [InlineData("outbound//x.pdf")]
    [InlineData("./outbound/x.pdf")]
    [InlineData("outbound/./x.pdf")]
    [InlineData("outbound/x.pdf/")]
    [InlineData("..")]
    [InlineData("C:/x.pdf")]
    [InlineData("outbound/x\0.pdf")]
    public void Paths_leaving_the_store_are_rejected_by_every_call(string path)
    {
        File.WriteAllText(Path.Combine(_directory, "outside.txt"), "secret");

        Assert.Throws<ArgumentException>(() => _store.FullPath(path));
        Assert.Throws<ArgumentException>(() => _store.OpenRead(path));
        Assert.Throws<ArgumentException>(() => _store.Exists(path));
        Assert.Throws<ArgumentException>(() => _store.Delete(path));
        Assert.True(File.Exists(Path.Combine(_directory, "outside.txt")));
    }

    [Fact]
    public async Task A_store_with_an_explicit_root_keeps_its_files_there()
    {
        string root = Path.Combine(_directory, "elsewhere") + Path.DirectorySeparatorChar;
        var store = new FileDocumentStore(root);

        var stored = await store.SaveAsync("outbound", "pdf", new MemoryStream([1, 2, 3]), 10, CancellationToken.None);

        Assert.StartsWith(Path.Combine(_directory, "elsewhere", "outbound") + Path.DirectorySeparatorChar, stored.FullPath, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(store.FullPath(stored.RelativePath)));
    }

    [Fact]
    public void Empty_paths_are_rejected()
    {
        Assert.ThrowsAny<ArgumentException>(() => _store.FullPath(""));
        Assert.ThrowsAny<ArgumentException>(() => _store.Exists(null!));
    }

    [Theory]
    [InlineData("../outbound", "pdf")]
    [InlineData("out/bound", "pdf")]
    [InlineData("", "pdf")]
    [InlineData("outbound", "pdf/../x")]
    [InlineData("outbound", "")]
    [InlineData("outbound", "averyveryverylongextension")]
    public async Task Areas_and_extensions_must_be_plain_names(string area, string extension)
    {
        Assert.Throws<ArgumentException>(() => _store.Create(area, extension));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.SaveAsync(area, extension, new MemoryStream([1]), 10, CancellationToken.None));
    }

    [Fact]
    public async Task Create_returns_a_new_empty_file_readable_while_it_is_written()
    {
        var file = _store.Create("inbound", "tif");

        Assert.Matches(StoredName(), file.RelativePath);
        Assert.Equal(0, file.Length);
        Assert.True(_store.Exists(file.RelativePath));
        Assert.Equal(0, new FileInfo(file.FullPath).Length);
        await using (var writer = new FileStream(file.FullPath, FileMode.Open, FileAccess.Write, FileShare.Read))
        {
            await writer.WriteAsync(new byte[] { 1, 2, 3 });
            await writer.FlushAsync();
            await using var reader = _store.OpenRead(file.RelativePath); // a page already received can be read mid-call
            Assert.Equal(3, reader.Length);
        }

        Assert.NotEqual(file.RelativePath, _store.Create("inbound", "tif").RelativePath);
    }

    [Fact]
    public void Delete_removes_a_file_once()
    {
        var file = _store.Create("outbound", "pdf");

        Assert.True(_store.Delete(file.RelativePath));
        Assert.False(_store.Exists(file.RelativePath));
        Assert.False(_store.Delete(file.RelativePath));
        Assert.Throws<FileNotFoundException>(() => _store.OpenRead(file.RelativePath));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_store_directory_is_private_to_the_service_user()
    {
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.Combine(_directory, "documents")));
    }

    [Fact]
    public void Available_bytes_are_those_of_the_volume()
    {
        long available = _store.AvailableBytes;

        Assert.InRange(available, 1, new DriveInfo(_directory).TotalSize);
    }

    [GeneratedRegex("^[a-z]+/2026/03/[0-9a-f]{32}\\.[a-z]+$")]
    private static partial Regex StoredName();

    private static byte[] RandomBytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read, like a network upload; can signal after some bytes.</summary>
    private sealed class TrickleStream(byte[] data, int chunk, int afterBytes = int.MaxValue, Action? onPassed = null) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            if (_position >= afterBytes)
            {
                onPassed?.Invoke();
            }

            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
