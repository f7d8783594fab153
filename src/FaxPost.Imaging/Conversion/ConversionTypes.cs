namespace FaxPost.Imaging.Conversion;

// The conversion contract the post office (FaxPost.Core) calls; DocumentConverter implements it.

public enum PaperSize
{
    A4 = 0,
    Letter = 1,
    Legal = 2,
}

public enum DocumentKind
{
    Pdf = 1,
    PostScript = 2,
    Tiff = 3,
    Png = 4,
    Jpeg = 5,
    Text = 6,
}

public sealed record ConversionOptions
{
    public FaxResolution Resolution { get; init; } = FaxResolution.Fine;

    public PaperSize Paper { get; init; } = PaperSize.A4;

    /// <summary>Most pages of one conversion, all documents together.</summary>
    public int MaxPages { get; init; } = 200;

    /// <summary>Time limit for rendering one document (one Ghostscript run); the process is killed when it passes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    public long MaxInputBytes { get; init; } = 50L * 1024 * 1024;
}

/// <param name="FileName">The user's name for the file, used in messages.</param>
/// <param name="Path">Where the file is.</param>
public sealed record SourceDocument(string FileName, string Path);

public sealed record ConvertedDocument(string FileName, DocumentKind Kind, int Pages);

public sealed record ConversionResult(int PageCount, IReadOnlyList<ConvertedDocument> Documents);

public enum ConversionFailure
{
    Empty = 1,
    UnknownType = 2,
    Broken = 3,
    PasswordProtected = 4,
    TooManyPages = 5,
    TooLarge = 6,
    TimedOut = 7,
    ConverterMissing = 8,
}

/// <summary>A document cannot be faxed; the message names the file and the reason in plain words.</summary>
public sealed class DocumentConversionException(string fileName, ConversionFailure reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string FileName { get; } = fileName;

    public ConversionFailure Reason { get; } = reason;
}
