namespace FaxPost.Imaging.Raster;

/// <summary>
/// An 8-bit grey raster, one byte per pixel, 0 = black, 255 = white (TIFF BlackIsZero sense).
/// Produced by decoders of continuous-tone sources (PNG, grey/colour TIFF) and turned into
/// fax pages by scaling and dithering.
/// </summary>
public sealed class GrayImage
{
    public GrayImage(int width, int height, double xDpi = 72, double yDpi = 72)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        Width = width;
        Height = height;
        XDpi = xDpi;
        YDpi = yDpi;
        Pixels = new byte[checked(width * height)];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Bytes per row (equal to <see cref="Width"/>).</summary>
    public int Stride => Width;

    public double XDpi { get; set; }

    public double YDpi { get; set; }

    /// <summary>Rows of <see cref="Width"/> bytes, 0 = black, 255 = white.</summary>
    public byte[] Pixels { get; }

    public Span<byte> Row(int y) => Pixels.AsSpan(y * Width, Width);

    public byte this[int x, int y]
    {
        get => Pixels[(y * Width) + x];
        set => Pixels[(y * Width) + x] = value;
    }
}
