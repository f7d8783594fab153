using FaxPost.Imaging.Codecs;

namespace FaxPost.Imaging.Tiff;

/// <summary>How <see cref="TiffFaxWriter"/> codes pages it is given as pixels, and what it writes in every page.</summary>
public sealed record TiffFaxWriterOptions
{
    public static TiffFaxWriterOptions Default { get; } = new();

    /// <summary>Coding for <see cref="TiffFaxWriter.AppendPage(Raster.BilevelImage, FaxPageQuality?)"/>; MMR (G4) by default.</summary>
    public FaxCodingOptions Coding { get; init; } = new() { Compression = FaxCompression.Mmr };

    public string Software { get; init; } = "FaxPost";

    /// <summary>Source of the DateTime tag.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Leave the stream open when the writer is disposed.</summary>
    public bool LeaveOpen { get; init; }

    /// <summary>Ask the file system to put each page on disk before the next page is linked in.</summary>
    public bool FlushToDisk { get; init; }
}
