namespace FaxPost.Imaging.Tiff;

/// <summary>
/// One page (image file directory) of a <see cref="TiffDocument"/>: its geometry, coding and strips,
/// validated against the file and the read limits when the document was opened.
/// </summary>
public sealed partial class TiffPage
{
    private readonly ReadOnlyMemory<byte> _file;
    private readonly long[] _stripOffsets;
    private readonly int[] _stripByteCounts;
    private readonly ushort[]? _colorMap;
    private readonly TiffReadOptions _options;

    private TiffPage(ReadOnlyMemory<byte> file, TiffReadOptions options, long[] stripOffsets, int[] stripByteCounts, ushort[]? colorMap)
    {
        _file = file;
        _options = options;
        _stripOffsets = stripOffsets;
        _stripByteCounts = stripByteCounts;
        _colorMap = colorMap;
    }

    /// <summary>Position in the file's directory chain, from 0.</summary>
    public int Index { get; private init; }

    public int Width { get; private init; }

    public int Height { get; private init; }

    /// <summary>Tag 259 as written; may hold a value outside the named ones.</summary>
    public TiffCompression Compression { get; private init; }

    public TiffPhotometric Photometric { get; private init; }

    public int BitsPerSample { get; private init; }

    public int SamplesPerPixel { get; private init; }

    /// <summary>Tag 266: 1 = most significant bit first, 2 = least significant bit first (common in fax files).</summary>
    public int FillOrder { get; private init; }

    public int Predictor { get; private init; }

    public int RowsPerStrip { get; private init; }

    public int StripCount => _stripOffsets.Length;

    /// <summary>The page is stored in tiles, which FaxPost does not read.</summary>
    public bool IsTiled { get; private init; }

    /// <summary>The samples of one pixel are stored in separate planes (PlanarConfiguration 2).</summary>
    public bool IsPlanar { get; private init; }

    /// <summary>Horizontal resolution in dots per inch.</summary>
    public double XDpi { get; private init; }

    /// <summary>Vertical resolution in lines per inch.</summary>
    public double YDpi { get; private init; }

    public uint T4Options { get; private init; }

    public uint T6Options { get; private init; }

    /// <summary>Tag 297, first value, from 0; null when absent.</summary>
    public int? PageNumber { get; private init; }

    /// <summary>Tag 297, second value; 0 means unknown.</summary>
    public int? PageCount { get; private init; }

    public int? BadFaxLines { get; private init; }

    public int? CleanFaxData { get; private init; }

    public int? ConsecutiveBadFaxLines { get; private init; }

    public string? Software { get; private init; }

    /// <summary>A one-bit page coded with a CCITT fax scheme (Compression 2, 3 or 4).</summary>
    public bool IsFax => BitsPerSample == 1 && SamplesPerPixel == 1 &&
        Compression is TiffCompression.CcittRle or TiffCompression.CcittT4 or TiffCompression.CcittT6;

    /// <summary>The page has one bit per pixel, black and white: <see cref="DecodeBilevel"/> applies.</summary>
    public bool IsBilevel => BitsPerSample == 1 && SamplesPerPixel == 1 &&
        Photometric is TiffPhotometric.WhiteIsZero or TiffPhotometric.BlackIsZero;

    /// <summary>Raw (still compressed) bytes of strip <paramref name="index"/>, as stored.</summary>
    public ReadOnlyMemory<byte> GetStrip(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _stripOffsets.Length);
        return _file.Slice((int)_stripOffsets[index], _stripByteCounts[index]);
    }

    /// <summary>Rows held by strip <paramref name="index"/> (the last strip may be short).</summary>
    public int RowsInStrip(int index) => Math.Min(RowsPerStrip, Height - (index * RowsPerStrip));

    internal static TiffPage FromDirectory(ReadOnlyMemory<byte> file, TiffDirectory dir, int index, TiffReadOptions options)
    {
        string where = $"page {index + 1}";
        long width = dir.GetInteger(TiffTag.ImageWidth, 0);
        long height = dir.GetInteger(TiffTag.ImageLength, 0);
        if (width <= 0 || height <= 0)
        {
            TiffDirectory.Fail($"{where} has no usable ImageWidth/ImageLength ({width} x {height})");
        }

        if (width > options.MaxWidth)
        {
            TiffDirectory.Fail($"{where} is {width} pixels wide, more than the limit of {options.MaxWidth}");
        }

        if (height > options.MaxRows)
        {
            TiffDirectory.Fail($"{where} has {height} rows, more than the limit of {options.MaxRows}");
        }

        int spp = (int)Math.Clamp(dir.GetInteger(TiffTag.SamplesPerPixel, 1), 0, 64);
        int bps = (int)Math.Clamp(dir.GetInteger(TiffTag.BitsPerSample, 1), 0, 64);
        if (spp == 0 || bps == 0)
        {
            TiffDirectory.Fail($"{where} has {spp} samples of {bps} bits per pixel");
        }

        var compression = (TiffCompression)dir.GetInteger(TiffTag.Compression, 1);
        bool ccitt = compression is TiffCompression.CcittRle or TiffCompression.CcittT4 or TiffCompression.CcittT6;
        long photometric = dir.GetInteger(TiffTag.Photometric, ccitt ? 0 : spp >= 3 ? 2 : 1);
        int rowsPerStrip = (int)Math.Clamp(dir.GetInteger(TiffTag.RowsPerStrip, height), 1, height);
        bool tiled = dir.Has(TiffTag.TileWidth) || dir.Has(TiffTag.TileOffsets);

        long[] offsets = [];
        int[] counts = [];
        if (!tiled)
        {
            int strips = (int)((height + rowsPerStrip - 1) / rowsPerStrip);
            offsets = ReadStripTable(file, dir, where, strips, options, out counts);
        }

        ushort[]? colorMap = null;
        if (photometric == (long)TiffPhotometric.Palette && bps <= 8 && dir.TryGet(TiffTag.ColorMap, out TiffEntry cm))
        {
            int n = 3 << bps;
            if (cm.Count < n)
            {
                TiffDirectory.Fail($"{where} has a ColorMap of {cm.Count} values, {n} expected");
            }

            colorMap = new ushort[n];
            for (int i = 0; i < n; i++)
            {
                colorMap[i] = (ushort)dir.GetInteger(cm, i);
            }
        }

        (double xDpi, double yDpi) = Resolution(dir, ccitt && bps == 1);
        int? pageNumber = null, pageCount = null;
        if (dir.TryGet(TiffTag.PageNumber, out TiffEntry pn) && pn.Count >= 2)
        {
            pageNumber = (int)Math.Clamp(dir.GetInteger(pn, 0), 0, int.MaxValue);
            pageCount = (int)Math.Clamp(dir.GetInteger(pn, 1), 0, int.MaxValue);
        }

        return new TiffPage(file, options, offsets, counts, colorMap)
        {
            Index = index,
            Width = (int)width,
            Height = (int)height,
            Compression = compression,
            Photometric = (TiffPhotometric)Math.Clamp(photometric, 0, 65535),
            BitsPerSample = bps,
            SamplesPerPixel = spp,
            FillOrder = dir.GetInteger(TiffTag.FillOrder, 1) == 2 ? 2 : 1,
            Predictor = (int)Math.Clamp(dir.GetInteger(TiffTag.Predictor, 1), 0, 65535),
            RowsPerStrip = rowsPerStrip,
            IsTiled = tiled,
            IsPlanar = spp > 1 && dir.GetInteger(TiffTag.PlanarConfig, 1) == 2,
            XDpi = xDpi,
            YDpi = yDpi,
            T4Options = (uint)dir.GetInteger(TiffTag.T4Options, 0),
            T6Options = (uint)dir.GetInteger(TiffTag.T6Options, 0),
            PageNumber = pageNumber,
            PageCount = pageCount,
            BadFaxLines = OptionalInt(dir, TiffTag.BadFaxLines),
            CleanFaxData = OptionalInt(dir, TiffTag.CleanFaxData),
            ConsecutiveBadFaxLines = OptionalInt(dir, TiffTag.ConsecutiveBadFaxLines),
            Software = dir.GetAscii(TiffTag.Software),
        };
    }

    private static long[] ReadStripTable(ReadOnlyMemory<byte> file, TiffDirectory dir, string where, int strips, TiffReadOptions options, out int[] counts)
    {
        if (!dir.TryGet(TiffTag.StripOffsets, out TiffEntry offsetsEntry))
        {
            TiffDirectory.Fail($"{where} has no StripOffsets");
        }

        if (offsetsEntry.Count < strips)
        {
            TiffDirectory.Fail($"{where} needs {strips} strips but StripOffsets lists {offsetsEntry.Count}");
        }

        bool haveCounts = dir.TryGet(TiffTag.StripByteCounts, out TiffEntry countsEntry);
        if (haveCounts && countsEntry.Count < strips)
        {
            TiffDirectory.Fail($"{where} needs {strips} strips but StripByteCounts lists {countsEntry.Count}");
        }

        if (!haveCounts && strips != 1)
        {
            TiffDirectory.Fail($"{where} has {strips} strips and no StripByteCounts");
        }

        var offsets = new long[strips];
        counts = new int[strips];
        long total = 0;
        int fileLength = file.Length;
        for (int i = 0; i < strips; i++)
        {
            long offset = dir.GetInteger(offsetsEntry, i);
            // Without StripByteCounts (one strip), the strip runs to the end of the file, as libtiff assumes.
            long count = haveCounts ? dir.GetInteger(countsEntry, i) : fileLength - offset;
            if (offset < 0 || count < 0 || offset > fileLength || offset + count > fileLength)
            {
                TiffDirectory.Fail($"{where} strip {i} ({count} bytes at offset {offset}) lies past the end of the file ({fileLength} bytes)");
            }

            total += count;
            if (total > options.MaxBytesPerPage)
            {
                TiffDirectory.Fail($"{where} holds more than the limit of {options.MaxBytesPerPage} bytes of strip data");
            }

            offsets[i] = offset;
            counts[i] = (int)count;
        }

        return offsets;
    }

    private static (double X, double Y) Resolution(TiffDirectory dir, bool fax)
    {
        double? x = dir.GetNumber(TiffTag.XResolution);
        double? y = dir.GetNumber(TiffTag.YResolution);
        long unit = dir.GetInteger(TiffTag.ResolutionUnit, 2);
        double scale = unit == 3 ? 2.54 : 1; // TIFF 6.0: 3 = centimetre.
        double dx = x is > 0 and < 100000 ? x.Value * scale : double.NaN;
        double dy = y is > 0 and < 100000 ? y.Value * scale : double.NaN;

        // Missing or unit-less resolution: fax pages are assumed 204 x 196 (TIFF-F fine), others 72 dpi.
        double fallback = fax ? 204 : 72;
        if (double.IsNaN(dx))
        {
            dx = double.IsNaN(dy) ? fallback : dy;
        }

        if (double.IsNaN(dy))
        {
            dy = fax ? 196 : dx;
        }

        return (dx, dy);
    }

    private static int? OptionalInt(TiffDirectory dir, ushort tag) =>
        dir.TryGet(tag, out TiffEntry e) && e.Count > 0 ? (int)Math.Clamp(dir.GetInteger(e, 0), 0, int.MaxValue) : null;
}
