using System.Diagnostics.CodeAnalysis;

namespace FaxPost.Imaging.Codecs;

/// <summary>Malformed or refused fax image data, or options the codecs cannot honour.</summary>
public sealed class FaxCodecException : Exception
{
    public FaxCodecException()
    {
    }

    public FaxCodecException(string message)
        : base(message)
    {
    }

    public FaxCodecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Rows delivered before the error, when known; -1 otherwise.</summary>
    public int RowsDecoded { get; init; } = -1;

    [DoesNotReturn]
    internal static void Throw(string message) => throw new FaxCodecException(message);
}
