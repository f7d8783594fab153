namespace FaxPost.Imaging.Raster;

/// <summary>
/// A bilevel (black and white) page raster: rows of packed bits, most significant bit first,
/// 1 = black (the fax convention, TIFF PhotometricInterpretation WhiteIsZero).
/// Resolution is kept beside the pixels because fax geometry depends on it.
/// </summary>
public sealed class BilevelImage
{
    public BilevelImage(int width, int height, double xDpi = 204, double yDpi = 196)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        Width = width;
        Height = height;
        Stride = (width + 7) >> 3;
        XDpi = xDpi;
        YDpi = yDpi;
        Pixels = new byte[checked(Stride * height)];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Bytes per row.</summary>
    public int Stride { get; }

    public double XDpi { get; set; }

    public double YDpi { get; set; }

    /// <summary>Packed rows, <see cref="Stride"/> bytes each, MSB = leftmost pixel, 1 = black.</summary>
    public byte[] Pixels { get; }

    public Span<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);

    public bool this[int x, int y]
    {
        get => (Pixels[(y * Stride) + (x >> 3)] & (0x80 >> (x & 7))) != 0;
        set
        {
            ref byte b = ref Pixels[(y * Stride) + (x >> 3)];
            b = value ? (byte)(b | (0x80 >> (x & 7))) : (byte)(b & ~(0x80 >> (x & 7)));
        }
    }
}
