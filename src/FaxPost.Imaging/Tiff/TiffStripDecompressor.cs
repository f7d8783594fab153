using System.IO.Compression;

namespace FaxPost.Imaging.Tiff;

/// <summary>
/// The general-purpose TIFF strip codings: none, PackBits, LZW and Deflate. Each fills a destination
/// of the strip's exact decoded size; output beyond it is dropped, and short data leaves the rest zero
/// (as libtiff does, with a warning there) unless the coded data itself is broken.
/// </summary>
internal static class TiffStripDecompressor
{
    public static void Decompress(TiffCompression compression, ReadOnlySpan<byte> src, Span<byte> dst)
    {
        switch (compression)
        {
            case TiffCompression.None:
                src[..Math.Min(src.Length, dst.Length)].CopyTo(dst);
                break;
            case TiffCompression.PackBits:
                PackBits(src, dst);
                break;
            case TiffCompression.Lzw:
                Lzw(src, dst);
                break;
            case TiffCompression.Deflate or TiffCompression.DeflateLegacy:
                Deflate(src, dst);
                break;
            default:
                TiffDirectory.Fail($"compression {(int)compression} is not supported");
                break;
        }
    }

    // TIFF 6.0 §9: a header byte n; 0..127 copies n+1 bytes, -1..-127 repeats the next byte 1-n times, -128 is a no-op.
    internal static void PackBits(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int s = 0, d = 0;
        while (s < src.Length && d < dst.Length)
        {
            int n = (sbyte)src[s++];
            if (n >= 0)
            {
                int len = Math.Min(Math.Min(n + 1, src.Length - s), dst.Length - d);
                src.Slice(s, len).CopyTo(dst[d..]);
                s += n + 1;
                d += len;
            }
            else if (n != -128)
            {
                if (s >= src.Length)
                {
                    break;
                }

                int len = Math.Min(1 - n, dst.Length - d);
                dst.Slice(d, len).Fill(src[s++]);
                d += len;
            }
        }
    }

    // TIFF 6.0 §13: MSB-first codes of 9 to 12 bits, Clear = 256, EndOfInformation = 257; the code
    // width grows one code early (at 511, 1023, 2047) as every TIFF writer does.
    internal static void Lzw(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        const int Clear = 256, Eoi = 257, MaxCodes = 4096;
        Span<short> prefix = stackalloc short[MaxCodes];
        Span<byte> suffix = stackalloc byte[MaxCodes];
        Span<byte> first = stackalloc byte[MaxCodes];
        Span<ushort> length = stackalloc ushort[MaxCodes];
        for (int i = 0; i < 256; i++)
        {
            prefix[i] = -1;
            suffix[i] = (byte)i;
            first[i] = (byte)i;
            length[i] = 1;
        }

        if (src.Length >= 2 && src[0] == 0 && (src[1] & 1) != 0)
        {
            TiffDirectory.Fail("old-style (LSB-first) LZW data is not supported");
        }

        int next = 258, width = 9, old = -1, d = 0;
        uint bitBuffer = 0;
        int bitCount = 0, s = 0;
        while (d < dst.Length)
        {
            while (bitCount < width)
            {
                if (s >= src.Length)
                {
                    return; // Data ends without EndOfInformation: keep what was decoded.
                }

                bitBuffer = (bitBuffer << 8) | src[s++];
                bitCount += 8;
            }

            int code = (int)((bitBuffer >> (bitCount - width)) & ((1u << width) - 1));
            bitCount -= width;
            if (code == Eoi)
            {
                return;
            }

            if (code == Clear)
            {
                next = 258;
                width = 9;
                old = -1;
                continue;
            }

            if (old < 0)
            {
                if (code > 255)
                {
                    TiffDirectory.Fail($"LZW code {code} follows a Clear code");
                }

                dst[d++] = (byte)code;
                old = code;
                continue;
            }

            if (code > next || next >= MaxCodes && code == next)
            {
                TiffDirectory.Fail($"LZW code {code} is beyond the table ({next} entries)");
            }

            int emit = code == next ? old : code;
            if (next < MaxCodes)
            {
                // New entry: old string plus the first byte of the current one (KwKwK when code == next).
                prefix[next] = (short)old;
                suffix[next] = first[emit];
                first[next] = first[old];
                length[next] = (ushort)(length[old] + 1);
                next++;
            }

            d += WriteString(code, prefix, suffix, length, dst[d..]);
            old = code;
            if (next + 1 >= (1 << width) && width < 12)
            {
                width++;
            }
        }
    }

    private static int WriteString(int code, ReadOnlySpan<short> prefix, ReadOnlySpan<byte> suffix, ReadOnlySpan<ushort> length, Span<byte> dst)
    {
        int len = length[code];
        int keep = Math.Min(len, dst.Length);
        for (int i = len - 1; i >= 0; i--)
        {
            if (i < keep)
            {
                dst[i] = suffix[code];
            }

            code = prefix[code];
        }

        return keep;
    }

    private static void Deflate(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        try
        {
            using var input = new MemoryStream(src.ToArray(), writable: false);
            using var z = new ZLibStream(input, CompressionMode.Decompress);
            z.ReadAtLeast(dst, dst.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new TiffFormatException("TIFF: Deflate strip data is corrupt: " + e.Message, e);
        }
    }
}
