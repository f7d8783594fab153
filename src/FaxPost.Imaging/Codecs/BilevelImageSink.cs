using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Codecs;

/// <summary>Collects decoded rows and hands them out as a <see cref="BilevelImage"/> at the end.</summary>
public sealed class BilevelImageSink : IFaxRowSink
{
    private readonly int _stride;
    private byte[] _pixels;

    public BilevelImageSink(int width, int expectedRows = 1100)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Width = width;
        _stride = (width + 7) >> 3;
        _pixels = new byte[_stride * Math.Clamp(expectedRows, 1, 4096)];
    }

    public int Width { get; }

    public int Rows { get; private set; }

    public void WriteRow(ReadOnlySpan<byte> row)
    {
        int offset = Rows * _stride;
        if (offset + _stride > _pixels.Length)
        {
            Array.Resize(ref _pixels, Math.Max(offset + _stride, _pixels.Length * 2));
        }

        row.Slice(0, _stride).CopyTo(_pixels.AsSpan(offset));
        Rows++;
    }

    public BilevelImage ToImage(double xDpi = 204, double yDpi = 196)
    {
        var image = new BilevelImage(Width, Rows, xDpi, yDpi);
        _pixels.AsSpan(0, Rows * _stride).CopyTo(image.Pixels);
        return image;
    }
}
