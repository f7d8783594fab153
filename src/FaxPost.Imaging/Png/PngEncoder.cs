using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Png;

/// <summary>
/// Writes greyscale PNG files (PNG spec, ISO/IEC 15948): 8-bit from a <see cref="GrayImage"/>,
/// 1-bit from a <see cref="BilevelImage"/>, with the resolution in a pHYs chunk.
/// </summary>
public static class PngEncoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(GrayImage image, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var output = new MemoryStream();
        Encode(image, output, level);
        return output.ToArray();
    }

    public static void Encode(GrayImage image, Stream output, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        WriteFile(output, image.Width, image.Height, 8, image.XDpi, image.YDpi, level, (y, row) => image.Row(y).CopyTo(row));
    }

    public static byte[] Encode(BilevelImage image, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var output = new MemoryStream();
        Encode(image, output, level);
        return output.ToArray();
    }

    /// <summary>1-bit grey, where PNG's 0 is black: our 1 = black bits are inverted.</summary>
    public static void Encode(BilevelImage image, Stream output, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        int spare = (image.Stride * 8) - image.Width;
        WriteFile(output, image.Width, image.Height, 1, image.XDpi, image.YDpi, level, (y, row) =>
        {
            ReadOnlySpan<byte> src = image.Row(y);
            for (int i = 0; i < src.Length; i++)
            {
                row[i] = (byte)~src[i];
            }

            // Padding bits are unspecified in PNG; keep them 0 for a stable output.
            row[^1] &= (byte)(0xFF << spare);
        });
    }

    private static void WriteFile(Stream output, int width, int height, int bitDepth, double xDpi, double yDpi, CompressionLevel level, Action<int, Span<byte>> fillRow)
    {
        output.Write(Signature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = 0; // colour type 0: greyscale
        ihdr[10] = 0; // deflate
        ihdr[11] = 0; // adaptive filtering
        ihdr[12] = 0; // no interlace
        WriteChunk(output, "IHDR"u8, ihdr);

        if (xDpi > 0 && yDpi > 0)
        {
            // PNG §11.3.5.3 pHYs: pixels per metre, unit 1 = metre.
            Span<byte> phys = stackalloc byte[9];
            BinaryPrimitives.WriteUInt32BigEndian(phys, (uint)Math.Round(xDpi / 0.0254));
            BinaryPrimitives.WriteUInt32BigEndian(phys[4..], (uint)Math.Round(yDpi / 0.0254));
            phys[8] = 1;
            WriteChunk(output, "pHYs"u8, phys);
        }

        int rowBytes = ((width * bitDepth) + 7) / 8;
        using (var idat = new MemoryStream())
        {
            using (var z = new ZLibStream(idat, level, leaveOpen: true))
            {
                byte[] rows = ArrayPool<byte>.Shared.Rent(3 * (rowBytes + 1));
                try
                {
                    Span<byte> previous = rows.AsSpan(0, rowBytes);
                    Span<byte> current = rows.AsSpan(rowBytes, rowBytes);
                    Span<byte> filtered = rows.AsSpan(2 * rowBytes, rowBytes + 1);
                    previous.Clear();
                    for (int y = 0; y < height; y++)
                    {
                        fillRow(y, current);
                        Filter(current, previous, filtered, 1); // filter unit: 1 byte for both depths (PNG §9.2)
                        z.Write(filtered);
                        Span<byte> t = previous;
                        previous = current;
                        current = t;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rows);
                }
            }

            WriteChunk(output, "IDAT"u8, new ReadOnlySpan<byte>(idat.GetBuffer(), 0, (int)idat.Length));
        }

        WriteChunk(output, "IEND"u8, []);
    }

    // PNG §9: picks None, Sub or Up per row by the smallest sum of absolute differences (the usual heuristic).
    private static void Filter(ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, Span<byte> output, int bpp)
    {
        long none = 0, sub = 0, up = 0;
        for (int i = 0; i < row.Length; i++)
        {
            none += Math.Abs((int)(sbyte)row[i]);
            sub += Math.Abs((int)(sbyte)(row[i] - (i >= bpp ? row[i - bpp] : 0)));
            up += Math.Abs((int)(sbyte)(row[i] - above[i]));
        }

        Span<byte> data = output[1..];
        if (none <= sub && none <= up)
        {
            output[0] = 0;
            row.CopyTo(data);
        }
        else if (sub <= up)
        {
            output[0] = 1;
            for (int i = 0; i < row.Length; i++)
            {
                data[i] = (byte)(row[i] - (i >= bpp ? row[i - bpp] : 0));
            }
        }
        else
        {
            output[0] = 2;
            for (int i = 0; i < row.Length; i++)
            {
                data[i] = (byte)(row[i] - above[i]);
            }
        }
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        uint crc = ~Crc32.Update(Crc32.Update(0xFFFFFFFFu, type), data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}
