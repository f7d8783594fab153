using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace FaxPost.Imaging.Conversion;

internal static partial class PngDecoder
{
    // Adam7 (PNG §8.2): x0, y0, dx, dy of the seven passes.
    private static ReadOnlySpan<byte> Adam7 => [0, 0, 8, 8, 4, 0, 8, 8, 0, 4, 4, 8, 2, 0, 4, 4, 0, 2, 2, 4, 1, 0, 2, 2, 0, 1, 1, 2];

    private static void Unfilter(Stream z, in PngHeader h, ushort[]? palette, int[]? key, IPngRowSink sink)
    {
        int channels = h.ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int bitsPerPixel = channels * h.BitDepth;
        int bpp = Math.Max(1, bitsPerPixel >> 3); // filter byte distance (PNG §9.2)
        long maxRowBytes = (((long)h.Width * bitsPerPixel) + 7) >> 3;
        if (maxRowBytes > int.MaxValue / 2)
        {
            Fail("rows too long");
        }

        byte[] cur = ArrayPool<byte>.Shared.Rent((int)maxRowBytes + 1);
        byte[] prev = ArrayPool<byte>.Shared.Rent((int)maxRowBytes + 1);
        ushort[] rgba = ArrayPool<ushort>.Shared.Rent(checked(h.Width * 4));
        try
        {
            int passes = h.Interlaced ? 7 : 1;
            for (int p = 0; p < passes; p++)
            {
                int x0 = h.Interlaced ? Adam7[p * 4] : 0;
                int y0 = h.Interlaced ? Adam7[(p * 4) + 1] : 0;
                int dx = h.Interlaced ? Adam7[(p * 4) + 2] : 1;
                int dy = h.Interlaced ? Adam7[(p * 4) + 3] : 1;
                int pw = (h.Width - x0 + dx - 1) / dx;
                int ph = (h.Height - y0 + dy - 1) / dy;
                if (pw <= 0 || ph <= 0)
                {
                    continue; // empty passes have no rows, not even filter bytes
                }

                int rowBytes = (int)((((long)pw * bitsPerPixel) + 7) >> 3);
                Array.Clear(prev, 0, rowBytes);
                for (int r = 0; r < ph; r++)
                {
                    ReadExactly(z, cur.AsSpan(0, rowBytes + 1));
                    Span<byte> line = cur.AsSpan(1, rowBytes);
                    Reconstruct(cur[0], line, prev.AsSpan(0, rowBytes), bpp);
                    Expand(line, pw, h, palette, key, rgba.AsSpan(0, pw * 4));
                    sink.Row(y0 + (r * dy), x0, dx, rgba.AsSpan(0, pw * 4));
                    line.CopyTo(prev);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(cur);
            ArrayPool<byte>.Shared.Return(prev);
            ArrayPool<ushort>.Shared.Return(rgba);
        }
    }

    private static void ReadExactly(Stream z, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n = z.Read(buffer);
            if (n == 0)
            {
                Fail("image data ends early");
            }

            buffer = buffer[n..];
        }
    }

    // PNG §9.2 filter types: None, Sub, Up, Average, Paeth.
    private static void Reconstruct(byte filter, Span<byte> line, ReadOnlySpan<byte> prev, int bpp)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (int i = bpp; i < line.Length; i++)
                {
                    line[i] += line[i - bpp];
                }

                break;
            case 2:
                for (int i = 0; i < line.Length; i++)
                {
                    line[i] += prev[i];
                }

                break;
            case 3:
                for (int i = 0; i < line.Length; i++)
                {
                    int left = i >= bpp ? line[i - bpp] : 0;
                    line[i] += (byte)((left + prev[i]) >> 1);
                }

                break;
            case 4:
                for (int i = 0; i < line.Length; i++)
                {
                    int a = i >= bpp ? line[i - bpp] : 0;
                    int b = prev[i];
                    int c = i >= bpp ? prev[i - bpp] : 0;
                    int p = a + b - c;
                    int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    line[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }

                break;
            default:
                FailFilter(filter);
                break;
        }
    }

    [DoesNotReturn]
    private static void FailFilter(byte filter) => Fail($"unknown filter type {filter}");

    /// <summary>Samples of one row to 16-bit RGBA (bit replication for low depths, PNG §13.12).</summary>
    private static void Expand(ReadOnlySpan<byte> line, int count, in PngHeader h, ushort[]? palette, int[]? key, Span<ushort> rgba)
    {
        int depth = h.BitDepth;
        for (int x = 0; x < count; x++)
        {
            int o = x * 4;
            switch (h.ColorType)
            {
                case 0:
                    {
                        int v = Sample(line, x, depth);
                        ushort g = Scale(v, depth);
                        rgba[o] = rgba[o + 1] = rgba[o + 2] = g;
                        rgba[o + 3] = key is not null && key[0] == v ? (ushort)0 : (ushort)0xFFFF;
                        break;
                    }

                case 3:
                    {
                        int index = Sample(line, x, depth);
                        palette!.AsSpan(index * 4, 4).CopyTo(rgba.Slice(o, 4)); // entries past PLTE read as opaque black
                        break;
                    }

                case 2:
                    {
                        int r = Sample(line, x * 3, depth), g = Sample(line, (x * 3) + 1, depth), b = Sample(line, (x * 3) + 2, depth);
                        rgba[o] = Scale(r, depth);
                        rgba[o + 1] = Scale(g, depth);
                        rgba[o + 2] = Scale(b, depth);
                        rgba[o + 3] = key is not null && key[0] == r && key[1] == g && key[2] == b ? (ushort)0 : (ushort)0xFFFF;
                        break;
                    }

                case 4:
                    rgba[o] = rgba[o + 1] = rgba[o + 2] = Scale(Sample(line, x * 2, depth), depth);
                    rgba[o + 3] = Scale(Sample(line, (x * 2) + 1, depth), depth);
                    break;
                default:
                    for (int c = 0; c < 4; c++)
                    {
                        rgba[o + c] = Scale(Sample(line, (x * 4) + c, depth), depth);
                    }

                    break;
            }
        }
    }

    /// <summary>The n-th sample of a row at the given bit depth (packed MSB first below 8 bits).</summary>
    private static int Sample(ReadOnlySpan<byte> line, int n, int depth) => depth switch
    {
        8 => line[n],
        16 => (line[n * 2] << 8) | line[(n * 2) + 1],
        _ => (line[(n * depth) >> 3] >> (8 - depth - ((n * depth) & 7))) & ((1 << depth) - 1),
    };

    private static ushort Scale(int v, int depth) => depth switch
    {
        16 => (ushort)v,
        8 => (ushort)(v * 257),
        4 => (ushort)(v * 0x1111),
        2 => (ushort)(v * 0x5555),
        _ => (ushort)(v * 0xFFFF),
    };
}
