using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Conversion;

/// <summary>Receives decoded rows as 16-bit RGBA, pixels at x0, x0 + dx, ... of image row y.</summary>
internal interface IPngRowSink
{
    void Begin(in PngHeader header);

    void Row(int y, int x0, int dx, ReadOnlySpan<ushort> rgba);
}

internal readonly record struct PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced, double XDpi, double YDpi);

/// <summary>
/// A managed PNG decoder (ISO/IEC 15948, RFC 2083): all colour types and bit depths, palettes, tRNS,
/// Adam7 interlace, CRC of every chunk checked, dimension limit checked before anything is allocated.
/// Bad input throws <see cref="ImageFormatException"/> only.
/// </summary>
internal static partial class PngDecoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Decodes to grey, composited on white (luma of Rec. 601 weights).</summary>
    public static GrayImage DecodeGray(ReadOnlySpan<byte> png, long maxPixels)
    {
        var sink = new GraySink();
        Decode(png, maxPixels, sink);
        return sink.Image!;
    }

    public static void Decode(ReadOnlySpan<byte> png, long maxPixels, IPngRowSink sink)
    {
        if (!png.StartsWith(Signature))
        {
            Fail("no PNG signature");
        }

        PngHeader header = default;
        bool haveHeader = false;
        ushort[]? palette = null; // RGBA16 per entry
        int paletteCount = 0;
        int[]? transparentKey = null; // grey or RGB sample values that are fully transparent
        double xDpi = 0, yDpi = 0;
        using var idat = new MemoryStream();
        bool idatDone = false;
        bool sawIdat = false;
        int pos = Signature.Length;
        while (true)
        {
            if (png.Length - pos < 12)
            {
                Fail("truncated chunk");
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[pos..]);
            if (length > int.MaxValue || length > (uint)(png.Length - pos - 12))
            {
                Fail("chunk longer than the file");
            }

            ReadOnlySpan<byte> typeAndData = png.Slice(pos + 4, 4 + (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png[(pos + 8 + (int)length)..]);
            if (Crc32(typeAndData) != crc)
            {
                Fail("chunk CRC mismatch");
            }

            ReadOnlySpan<byte> type = typeAndData[..4];
            ReadOnlySpan<byte> data = typeAndData[4..];
            pos += 12 + (int)length;

            if (!haveHeader && !type.SequenceEqual("IHDR"u8))
            {
                Fail("IHDR is not the first chunk");
            }

            if (sawIdat && !type.SequenceEqual("IDAT"u8))
            {
                idatDone = true;
            }

            if (type.SequenceEqual("IHDR"u8))
            {
                if (haveHeader)
                {
                    Fail("second IHDR");
                }

                header = ReadHeader(data, maxPixels);
                haveHeader = true;
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                if (data.Length % 3 != 0 || data.Length == 0 || data.Length / 3 > 256 || sawIdat)
                {
                    Fail("bad PLTE");
                }

                paletteCount = data.Length / 3;
                palette = new ushort[256 * 4];
                for (int i = 0; i < 256; i++)
                {
                    palette[(i * 4) + 3] = 0xFFFF;
                }

                for (int i = 0; i < paletteCount; i++)
                {
                    palette[i * 4] = (ushort)(data[i * 3] * 257);
                    palette[(i * 4) + 1] = (ushort)(data[(i * 3) + 1] * 257);
                    palette[(i * 4) + 2] = (ushort)(data[(i * 3) + 2] * 257);
                }
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                switch (header.ColorType)
                {
                    case 3:
                        if (palette is null || data.Length > paletteCount)
                        {
                            Fail("bad tRNS for palette");
                        }

                        for (int i = 0; i < data.Length; i++)
                        {
                            palette[(i * 4) + 3] = (ushort)(data[i] * 257);
                        }

                        break;
                    case 0 when data.Length == 2:
                        transparentKey = [BinaryPrimitives.ReadUInt16BigEndian(data)];
                        break;
                    case 2 when data.Length == 6:
                        transparentKey = [BinaryPrimitives.ReadUInt16BigEndian(data), BinaryPrimitives.ReadUInt16BigEndian(data[2..]), BinaryPrimitives.ReadUInt16BigEndian(data[4..])];
                        break;
                    default:
                        Fail("bad tRNS");
                        break;
                }
            }
            else if (type.SequenceEqual("pHYs"u8))
            {
                if (data.Length == 9 && data[8] == 1)
                {
                    // Pixels per metre.
                    xDpi = BinaryPrimitives.ReadUInt32BigEndian(data) * 0.0254;
                    yDpi = BinaryPrimitives.ReadUInt32BigEndian(data[4..]) * 0.0254;
                }
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                if (idatDone)
                {
                    Fail("IDAT chunks are not consecutive");
                }

                if (header.ColorType == 3 && palette is null)
                {
                    Fail("palette image without PLTE");
                }

                sawIdat = true;
                idat.Write(data);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }
            else if ((type[0] & 0x20) == 0)
            {
                Fail("unknown critical chunk"); // ancillary bit clear (PNG §5.4)
            }
        }

        if (!sawIdat)
        {
            Fail("no image data");
        }

        header = header with { XDpi = xDpi, YDpi = yDpi };
        sink.Begin(header);
        idat.Position = 0;
        try
        {
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            Unfilter(z, header, palette, transparentKey, sink);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // InvalidDataException and ZLibException: the deflate stream is damaged.
            Fail("bad compressed data: " + e.Message);
        }
    }

    private static PngHeader ReadHeader(ReadOnlySpan<byte> data, long maxPixels)
    {
        if (data.Length != 13)
        {
            Fail("IHDR length");
        }

        uint w = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint h = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int depth = data[8];
        int color = data[9];
        if (w == 0 || h == 0 || w > 1 << 24 || h > 1 << 24 || (long)w * h > maxPixels)
        {
            Fail($"image size {w} x {h} is outside the limit");
        }

        bool ok = color switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!ok || data[10] != 0 || data[11] != 0 || data[12] > 1)
        {
            Fail($"unsupported colour type {color} / bit depth {depth} / method");
        }

        return new PngHeader((int)w, (int)h, depth, color, data[12] == 1, 0, 0);
    }

    [DoesNotReturn]
    private static void Fail(string reason) => throw new ImageFormatException("PNG: " + reason);

    private static readonly uint[] CrcTable = BuildCrcTable();

    // CRC-32 of ISO 3309 / PNG Annex D, reflected polynomial 0xEDB88320.
    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint[] table = CrcTable;
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c = table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c ^ 0xFFFFFFFF;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    private sealed class GraySink : IPngRowSink
    {
        public GrayImage? Image { get; private set; }

        public void Begin(in PngHeader header) =>
            Image = new GrayImage(header.Width, header.Height, header.XDpi, header.YDpi);

        public void Row(int y, int x0, int dx, ReadOnlySpan<ushort> rgba)
        {
            Span<byte> row = Image!.Row(y);
            for (int i = 0, x = x0; i < rgba.Length; i += 4, x += dx)
            {
                // Rec. 601 luma in 16 bits, then composite over white by alpha.
                long luma = ((19595L * rgba[i]) + (38470L * rgba[i + 1]) + (7471L * rgba[i + 2])) >> 16;
                long a = rgba[i + 3];
                long v = ((luma * a) + (65535L * (65535 - a))) / 65535;
                row[x] = (byte)((v + 128) / 257);
            }
        }
    }
}
