namespace FaxPost.Imaging.Conversion;

/// <summary>Builds <see cref="DocumentConversionException"/>s whose message names the file and says why in plain words.</summary>
internal static class ConversionError
{
    public static DocumentConversionException Create(string fileName, ConversionFailure reason, string? detail = null, Exception? inner = null) =>
        new(fileName, reason, Describe(fileName, reason, detail), inner);

    public static string Describe(string fileName, ConversionFailure reason, string? detail)
    {
        string text = reason switch
        {
            ConversionFailure.Empty => "is empty",
            ConversionFailure.UnknownType => "is not a kind of document that can be faxed (PDF, PostScript, TIFF, PNG, JPEG and plain text can)",
            ConversionFailure.Broken => "is damaged and cannot be read",
            ConversionFailure.PasswordProtected => "is protected by a password; remove the password and send it again",
            ConversionFailure.TooManyPages => "has more pages than may be sent in one fax",
            ConversionFailure.TooLarge => "is larger than allowed",
            ConversionFailure.TimedOut => "took too long to convert",
            ConversionFailure.ConverterMissing => "cannot be converted because the document converter (Ghostscript) is not installed",
            _ => "cannot be converted",
        };
        return detail is null ? $"{fileName}: the file {text}." : $"{fileName}: the file {text} ({detail}).";
    }
}

/// <summary>Malformed input to one of our own image parsers (PNG, PBM, JPEG header).</summary>
public sealed class ImageFormatException : Exception
{
    public ImageFormatException(string message)
        : base(message)
    {
    }
}
