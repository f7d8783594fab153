using System.Buffers.Binary;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tiff;

/// <summary>
/// Writes a multi-page TIFF Class F file (RFC 2306) one page at a time. Each page's strip and
/// directory are written at the end of the stream and flushed before the previous directory's link
/// is patched to point at them, so a file cut short at any moment holds every page linked so far.
/// The stream must be seekable; <see cref="Complete"/> (or disposing) fills in the page count.
/// </summary>
public sealed class TiffFaxWriter : IDisposable, IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly TiffFaxWriterOptions _options;
    private readonly long _base;
    private readonly List<long> _pageNumberPositions = [];
    private long _linkPosition;
    private bool _completed;
    private bool _disposed;

    public TiffFaxWriter(Stream stream, TiffFaxWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanWrite)
        {
            throw new ArgumentException("A TIFF fax writer needs a writable, seekable stream.", nameof(stream));
        }

        _stream = stream;
        _options = options ?? TiffFaxWriterOptions.Default;
        _base = stream.Position;
        // TIFF 6.0 §2 header: "II", 42, offset of the first directory (none until the first page lands).
        Span<byte> header = [(byte)'I', (byte)'I', 42, 0, 0, 0, 0, 0];
        stream.Write(header);
        stream.Flush();
        _linkPosition = _base + 4;
    }

    public int PageCount => _pageNumberPositions.Count;

    /// <summary>Encodes <paramref name="page"/> with the writer's coding options and appends it.</summary>
    public void AppendPage(BilevelImage page, FaxPageQuality? quality = null) =>
        AppendEncodedPage(Encode(page, quality));

    public ValueTask AppendPageAsync(BilevelImage page, FaxPageQuality? quality = null, CancellationToken cancellationToken = default) =>
        AppendEncodedPageAsync(Encode(page, quality), cancellationToken);

    /// <summary>Appends a page that is already coded (for example MMR or MH data as received) without re-coding it.</summary>
    public void AppendEncodedPage(EncodedFaxPage page)
    {
        PreparedPage p = Prepare(page);
        _stream.Seek(p.At, SeekOrigin.Begin);
        _stream.Write(p.Block);
        FlushStream();
        // Only now that strip and directory are stored does the chain reach them.
        Span<byte> link = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(link, p.IfdOffset);
        _stream.Seek(_linkPosition, SeekOrigin.Begin);
        _stream.Write(link);
        FlushStream();
        Commit(p);
    }

    public async ValueTask AppendEncodedPageAsync(EncodedFaxPage page, CancellationToken cancellationToken = default)
    {
        PreparedPage p = Prepare(page);
        _stream.Seek(p.At, SeekOrigin.Begin);
        await _stream.WriteAsync(p.Block, cancellationToken).ConfigureAwait(false);
        await FlushStreamAsync(cancellationToken).ConfigureAwait(false);
        byte[] link = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(link, p.IfdOffset);
        _stream.Seek(_linkPosition, SeekOrigin.Begin);
        await _stream.WriteAsync(link, cancellationToken).ConfigureAwait(false);
        await FlushStreamAsync(cancellationToken).ConfigureAwait(false);
        Commit(p);
    }

    /// <summary>Writes the final page count into every page's PageNumber tag and flushes.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> total = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(total, (ushort)Math.Min(PageCount, ushort.MaxValue));
        foreach (long position in _pageNumberPositions)
        {
            _stream.Seek(position + 2, SeekOrigin.Begin);
            _stream.Write(total);
        }

        _stream.Seek(0, SeekOrigin.End);
        FlushStream();
        _completed = true;
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte[] total = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(total, (ushort)Math.Min(PageCount, ushort.MaxValue));
        foreach (long position in _pageNumberPositions)
        {
            _stream.Seek(position + 2, SeekOrigin.Begin);
            await _stream.WriteAsync(total, cancellationToken).ConfigureAwait(false);
        }

        _stream.Seek(0, SeekOrigin.End);
        await FlushStreamAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (!_completed)
        {
            Complete();
        }

        _disposed = true;
        if (!_options.LeaveOpen)
        {
            _stream.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        if (!_completed)
        {
            await CompleteAsync().ConfigureAwait(false);
        }

        _disposed = true;
        if (!_options.LeaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private EncodedFaxPage Encode(BilevelImage page, FaxPageQuality? quality)
    {
        ArgumentNullException.ThrowIfNull(page);
        FaxCodingOptions coding = _options.Coding with { EolBeforeEachRow = true };
        return new EncodedFaxPage
        {
            Width = page.Width,
            Height = page.Height,
            XDpi = page.XDpi,
            YDpi = page.YDpi,
            Coding = coding,
            Data = FaxPageCodec.Encode(page, coding),
            Quality = quality,
        };
    }

    private PreparedPage Prepare(EncodedFaxPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The TIFF file was completed; no pages can be added.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(page.Width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(page.Height);
        FaxCodingOptions coding = page.Coding;
        if (coding.Compression != FaxCompression.Mmr && !coding.EolBeforeEachRow)
        {
            throw new ArgumentException("TIFF Compression 3 needs an EOL before each row (TIFF 6.0 §11).", nameof(page));
        }

        long end = _stream.Seek(0, SeekOrigin.End);
        long at = end + (end & 1); // TIFF 6.0 §2: data and directories start on word boundaries.
        long dataOffset = at - _base;
        long ifdOffset = dataOffset + page.Data.Length + (page.Data.Length & 1);

        var ifd = new TiffIfdBuilder();
        ifd.Long(TiffTag.NewSubfileType, 2); // a page of a multi-page document
        ifd.Long(TiffTag.ImageWidth, (uint)page.Width);
        ifd.Long(TiffTag.ImageLength, (uint)page.Height);
        ifd.Short(TiffTag.BitsPerSample, 1);
        if (coding.Compression == FaxCompression.Mmr)
        {
            ifd.Short(TiffTag.Compression, (ushort)TiffCompression.CcittT6);
            ifd.Long(TiffTag.T6Options, 0);
        }
        else
        {
            ifd.Short(TiffTag.Compression, (ushort)TiffCompression.CcittT4);
            // TIFF 6.0 §11 T4Options: bit 0 = 2-D coding, bit 2 = fill bits before EOL (byte-aligned EOL).
            uint t4 = (coding.Compression == FaxCompression.Mr ? 1u : 0u) | (coding.ByteAlignedEol ? 4u : 0u);
            ifd.Long(TiffTag.T4Options, t4);
        }

        ifd.Short(TiffTag.Photometric, (ushort)TiffPhotometric.WhiteIsZero);
        ifd.Short(TiffTag.FillOrder, coding.LsbFirst ? (ushort)2 : (ushort)1);
        ifd.Long(TiffTag.StripOffsets, (uint)dataOffset);
        ifd.Short(TiffTag.SamplesPerPixel, 1);
        ifd.Long(TiffTag.RowsPerStrip, (uint)page.Height);
        ifd.Long(TiffTag.StripByteCounts, (uint)page.Data.Length);
        ifd.Rational(TiffTag.XResolution, page.XDpi);
        ifd.Rational(TiffTag.YResolution, page.YDpi);
        ifd.Short(TiffTag.PlanarConfig, 1);
        ifd.Short(TiffTag.ResolutionUnit, 2); // inch
        ifd.Short(TiffTag.PageNumber, (ushort)PageCount, 0); // total unknown until Complete
        ifd.Ascii(TiffTag.Software, _options.Software);
        ifd.Ascii(TiffTag.DateTime, _options.Clock.GetLocalNow().ToString("yyyy:MM:dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        if (page.Quality is { } q)
        {
            ifd.Long(TiffTag.BadFaxLines, (uint)Math.Max(0, q.BadRows));
            ifd.Short(TiffTag.CleanFaxData, (ushort)q.CleanFaxData);
            ifd.Long(TiffTag.ConsecutiveBadFaxLines, (uint)Math.Max(0, q.ConsecutiveBadRows));
        }

        if (ifdOffset + ifd.Size > uint.MaxValue)
        {
            throw new InvalidOperationException("The TIFF file would exceed 4 GiB.");
        }

        int ifdAt = (int)(ifdOffset - dataOffset);
        var block = new byte[ifdAt + ifd.Size];
        page.Data.Span.CopyTo(block);
        Dictionary<ushort, int> inline = ifd.Write(block.AsSpan(ifdAt), (uint)ifdOffset);
        return new PreparedPage(block, at, (uint)ifdOffset, at + ifdAt + ifd.NextLinkPosition, at + ifdAt + inline[TiffTag.PageNumber]);
    }

    private void Commit(PreparedPage p)
    {
        _linkPosition = p.LinkPosition;
        _pageNumberPositions.Add(p.PageNumberPosition);
        _stream.Seek(0, SeekOrigin.End);
    }

    private void FlushStream()
    {
        if (_options.FlushToDisk && _stream is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }
        else
        {
            _stream.Flush();
        }
    }

    private async ValueTask FlushStreamAsync(CancellationToken cancellationToken)
    {
        if (_options.FlushToDisk && _stream is FileStream file)
        {
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        else
        {
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A page's strip and directory ready to write at <paramref name="At"/>, and where its link and PageNumber lie.</summary>
    private readonly record struct PreparedPage(byte[] Block, long At, uint IfdOffset, long LinkPosition, long PageNumberPosition);
}
