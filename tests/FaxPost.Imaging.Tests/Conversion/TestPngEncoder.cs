using System.Buffers.Binary;
using System.IO.Compression;
using FaxPost.Imaging.Conversion;

namespace FaxPost.Imaging.Tests.Conversion;

/// <summary>
/// A small independent PNG encoder for tests: samples are given per pixel as raw channel values at the
/// image bit depth; writes any colour type / depth, optional Adam7, a rotating choice of filters.
/// </summary>
internal static class TestPngEncoder
{
    private static readonly int[][] Passes =
    [
        [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
    ];

    public static byte[] Encode(int width, int height, int colorType, int depth, int[,,] samples, bool interlace = false,
        byte[]? plte = null, byte[]? trns = null, (uint X, uint Y)? pixelsPerMetre = null, int idatSplit = 0)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        using var raw = new MemoryStream();
        int[][] passes = interlace ? Passes : [[0, 0, 1, 1]];
        int filterChoice = 0;
        foreach (int[] p in passes)
        {
            int pw = (width - p[0] + p[2] - 1) / p[2];
            int ph = (height - p[1] + p[3] - 1) / p[3];
            if (pw <= 0 || ph <= 0)
            {
                continue;
            }

            int rowBytes = ((pw * channels * depth) + 7) / 8;
            int bpp = Math.Max(1, channels * depth / 8);
            byte[] prev = new byte[rowBytes];
            for (int r = 0; r < ph; r++)
            {
                byte[] line = new byte[rowBytes];
                int bit = 0;
                for (int i = 0; i < pw; i++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        int v = samples[p[1] + (r * p[3]), p[0] + (i * p[2]), c];
                        if (depth == 16)
                        {
                            line[bit / 8] = (byte)(v >> 8);
                            line[(bit / 8) + 1] = (byte)v;
                        }
                        else if (depth == 8)
                        {
                            line[bit / 8] = (byte)v;
                        }
                        else
                        {
                            line[bit / 8] |= (byte)(v << (8 - depth - (bit % 8)));
                        }

                        bit += depth;
                    }
                }

                int filter = filterChoice++ % 5;
                raw.WriteByte((byte)filter);
                for (int i = 0; i < rowBytes; i++)
                {
                    int a = i >= bpp ? line[i - bpp] : 0;
                    int b = prev[i];
                    int c = i >= bpp ? prev[i - bpp] : 0;
                    int pred = filter switch
                    {
                        0 => 0,
                        1 => a,
                        2 => b,
                        3 => (a + b) / 2,
                        _ => Paeth(a, b, c),
                    };
                    raw.WriteByte((byte)(line[i] - pred));
                }

                prev = line;
            }
        }

        byte[] compressed;
        using (var z = new MemoryStream())
        {
            using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true))
            {
                zs.Write(raw.ToArray());
            }

            compressed = z.ToArray();
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = (byte)depth;
        ihdr[9] = (byte)colorType;
        ihdr[12] = (byte)(interlace ? 1 : 0);
        Chunk(png, "IHDR", ihdr);
        if (pixelsPerMetre is { } ppm)
        {
            byte[] phys = new byte[9];
            BinaryPrimitives.WriteUInt32BigEndian(phys, ppm.X);
            BinaryPrimitives.WriteUInt32BigEndian(phys.AsSpan(4), ppm.Y);
            phys[8] = 1;
            Chunk(png, "pHYs", phys);
        }

        if (plte is not null)
        {
            Chunk(png, "PLTE", plte);
        }

        if (trns is not null)
        {
            Chunk(png, "tRNS", trns);
        }

        int split = idatSplit > 0 ? idatSplit : compressed.Length;
        for (int i = 0; i < compressed.Length; i += split)
        {
            Chunk(png, "IDAT", compressed.AsSpan(i, Math.Min(split, compressed.Length - i)).ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(len, (uint)data.Length);
        s.Write(len);
        byte[] td = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        s.Write(td);
        BinaryPrimitives.WriteUInt32BigEndian(len, TestCrc(td));
        s.Write(len);
    }

    // Bitwise CRC-32 (no table), independent of the decoder's table-driven one.
    private static uint TestCrc(byte[] data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320 : c >> 1;
            }
        }

        return ~c;
    }
}

/// <summary>Collects decoded 16-bit RGBA for comparison.</summary>
internal sealed class RgbaSink : IPngRowSink
{
    public ushort[,,] Pixels { get; private set; } = new ushort[0, 0, 4];

    public PngHeader Header { get; private set; }

    public void Begin(in PngHeader header)
    {
        Header = header;
        Pixels = new ushort[header.Height, header.Width, 4];
    }

    public void Row(int y, int x0, int dx, ReadOnlySpan<ushort> rgba)
    {
        for (int i = 0; i < rgba.Length / 4; i++)
        {
            for (int c = 0; c < 4; c++)
            {
                Pixels[y, x0 + (i * dx), c] = rgba[(i * 4) + c];
            }
        }
    }
}
