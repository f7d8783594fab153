namespace FaxPost.Imaging.Tiff;

/// <summary>
/// Limits the TIFF reader enforces while parsing, so hostile input cannot make it loop or allocate
/// without bound. Every rejection is a <see cref="TiffFormatException"/> naming the limit.
/// </summary>
public sealed record TiffReadOptions
{
    public static TiffReadOptions Default { get; } = new();

    /// <summary>Largest file read from a stream.</summary>
    public long MaxFileBytes { get; init; } = 256L * 1024 * 1024;

    public int MaxPages { get; init; } = 2000;

    /// <summary>Directory entries per page; real files have about 20.</summary>
    public int MaxEntriesPerDirectory { get; init; } = 512;

    public int MaxWidth { get; init; } = 16384;

    public int MaxRows { get; init; } = 32768;

    /// <summary>Largest decoded page raster, and largest sum of a page's strip sizes.</summary>
    public long MaxBytesPerPage { get; init; } = 64L * 1024 * 1024;
}
