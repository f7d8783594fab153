namespace FaxPost.Imaging.Tiff;

/// <summary>
/// A TIFF file read into memory: the header and the chain of image file directories, one
/// <see cref="TiffPage"/> each (TIFF 6.0 §2). Parsing checks every offset, count and size against the
/// file and against <see cref="TiffReadOptions"/>; bad input raises only <see cref="TiffFormatException"/>.
/// </summary>
public sealed class TiffDocument
{
    private TiffDocument(ReadOnlyMemory<byte> data, bool littleEndian, IReadOnlyList<TiffPage> pages)
    {
        Data = data;
        LittleEndian = littleEndian;
        Pages = pages;
    }

    /// <summary>The file bytes the pages refer to.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    public bool LittleEndian { get; }

    public IReadOnlyList<TiffPage> Pages { get; }

    public static TiffDocument Read(Stream stream, TiffReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= TiffReadOptions.Default;
        var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > options.MaxFileBytes)
            {
                TiffDirectory.Fail($"file is larger than the limit of {options.MaxFileBytes} bytes");
            }

            buffer.Write(chunk, 0, n);
        }

        return Read(new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length), options);
    }

    /// <summary>Reads the whole stream (at most <see cref="TiffReadOptions.MaxFileBytes"/>) without blocking, then parses it.</summary>
    public static async Task<TiffDocument> ReadAsync(Stream stream, TiffReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= TiffReadOptions.Default;
        var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > options.MaxFileBytes)
            {
                TiffDirectory.Fail($"file is larger than the limit of {options.MaxFileBytes} bytes");
            }

            buffer.Write(chunk, 0, n);
        }

        return Read(new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length), options);
    }

    public static TiffDocument Read(ReadOnlyMemory<byte> data, TiffReadOptions? options = null)
    {
        options ??= TiffReadOptions.Default;
        ReadOnlySpan<byte> span = data.Span;
        if (span.Length > options.MaxFileBytes)
        {
            TiffDirectory.Fail($"file is larger than the limit of {options.MaxFileBytes} bytes");
        }

        if (span.Length < 8)
        {
            TiffDirectory.Fail($"file of {span.Length} bytes is too short for a header");
        }

        bool littleEndian;
        if (span[0] == (byte)'I' && span[1] == (byte)'I')
        {
            littleEndian = true;
        }
        else if (span[0] == (byte)'M' && span[1] == (byte)'M')
        {
            littleEndian = false;
        }
        else
        {
            TiffDirectory.Fail("no byte-order mark (II or MM) at the start; not a TIFF file");
            return null!;
        }

        ushort version = TiffDirectory.ReadU16(span, 2, littleEndian);
        if (version == 43)
        {
            TiffDirectory.Fail("BigTIFF files are not supported");
        }

        if (version != 42)
        {
            TiffDirectory.Fail($"version {version} in the header, 42 expected");
        }

        uint offset = TiffDirectory.ReadU32(span, 4, littleEndian);
        if (offset == 0)
        {
            TiffDirectory.Fail("the file holds no pages");
        }

        var pages = new List<TiffPage>();
        var seen = new HashSet<uint>();
        while (offset != 0)
        {
            if (!seen.Add(offset))
            {
                TiffDirectory.Fail($"directory chain loops back to offset {offset}");
            }

            if (pages.Count >= options.MaxPages)
            {
                TiffDirectory.Fail($"more than the limit of {options.MaxPages} pages");
            }

            var dir = TiffDirectory.Parse(data, littleEndian, offset, options);
            pages.Add(TiffPage.FromDirectory(data, dir, pages.Count, options));
            offset = dir.NextOffset;
        }

        return new TiffDocument(data, littleEndian, pages);
    }
}
