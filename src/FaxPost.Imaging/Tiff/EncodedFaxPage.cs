using FaxPost.Imaging.Codecs;

namespace FaxPost.Imaging.Tiff;

/// <summary>
/// One fax page as coded data (T.4 MH/MR or T.6 MMR, one block for the whole page) with what is needed
/// to store or display it without decoding: width, rows, resolution and the coding options.
/// </summary>
public sealed record EncodedFaxPage
{
    public required int Width { get; init; }

    public required int Height { get; init; }

    public double XDpi { get; init; } = 204;

    public double YDpi { get; init; } = 196;

    /// <summary>How <see cref="Data"/> is coded; <see cref="FaxCodingOptions.LsbFirst"/> means FillOrder 2.</summary>
    public required FaxCodingOptions Coding { get; init; }

    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>For received pages: what the receiver saw of line errors; null for pages we made.</summary>
    public FaxPageQuality? Quality { get; init; }
}

/// <summary>
/// Line-error figures of a received page, stored as TIFF-F tags BadFaxLines, CleanFaxData and
/// ConsecutiveBadFaxLines (RFC 2306 §4).
/// </summary>
public readonly record struct FaxPageQuality(int BadRows, int ConsecutiveBadRows, bool Regenerated)
{
    /// <summary>CleanFaxData: 0 = no errors, 1 = errors regenerated (rows repaired), 2 = errors left in.</summary>
    public int CleanFaxData => BadRows == 0 ? 0 : Regenerated ? 1 : 2;
}
