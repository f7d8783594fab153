namespace FaxPost.Imaging.Tiff;

/// <summary>
/// The TIFF input is malformed, truncated, exceeds a configured limit, or uses a feature we do not read.
/// The only exception the TIFF reader lets out for bad input.
/// </summary>
public sealed class TiffFormatException : Exception
{
    public TiffFormatException(string message)
        : base(message)
    {
    }

    public TiffFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TiffFormatException()
    {
    }
}
