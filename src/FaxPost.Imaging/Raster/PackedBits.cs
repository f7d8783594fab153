namespace FaxPost.Imaging.Raster;

/// <summary>Bit-level operations on packed rows (MSB = leftmost pixel), shared by the raster operations.</summary>
internal static class PackedBits
{
    /// <summary>Copies <paramref name="count"/> bits; destination bits outside the range are kept.</summary>
    public static void Copy(ReadOnlySpan<byte> src, int srcBit, Span<byte> dst, int dstBit, int count)
    {
        // Head: bit by bit until the destination is byte aligned.
        while (count > 0 && (dstBit & 7) != 0)
        {
            Set(dst, dstBit++, Get(src, srcBit++));
            count--;
        }

        int di = dstBit >> 3;
        int si = srcBit >> 3;
        int shift = srcBit & 7;
        if (shift == 0)
        {
            int whole = count >> 3;
            src.Slice(si, whole).CopyTo(dst.Slice(di, whole));
            si += whole;
            di += whole;
            count -= whole << 3;
        }
        else
        {
            while (count >= 8)
            {
                int next = si + 1 < src.Length ? src[si + 1] : 0;
                dst[di++] = (byte)(((src[si] << 8) | next) >> (8 - shift));
                si++;
                count -= 8;
            }
        }

        srcBit = (si << 3) + shift;
        dstBit = di << 3;
        while (count-- > 0)
        {
            Set(dst, dstBit++, Get(src, srcBit++));
        }
    }

    public static bool Get(ReadOnlySpan<byte> row, int bit) => (row[bit >> 3] & (0x80 >> (bit & 7))) != 0;

    public static void Set(Span<byte> row, int bit, bool black)
    {
        ref byte b = ref row[bit >> 3];
        b = black ? (byte)(b | (0x80 >> (bit & 7))) : (byte)(b & ~(0x80 >> (bit & 7)));
    }

    /// <summary>True when any bit in [from, to) is set.</summary>
    public static bool AnySet(ReadOnlySpan<byte> row, int from, int to)
    {
        while (from < to && (from & 7) != 0)
        {
            if (Get(row, from++))
            {
                return true;
            }
        }

        while (to - from >= 8)
        {
            if (row[from >> 3] != 0)
            {
                return true;
            }

            from += 8;
        }

        while (from < to)
        {
            if (Get(row, from++))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsBlank(ReadOnlySpan<byte> row) => !row.ContainsAnyExcept((byte)0);

    /// <summary>Clears the pad bits after <paramref name="width"/> in the last byte of a row.</summary>
    public static void ClearPadding(Span<byte> row, int width)
    {
        int rem = width & 7;
        if (rem != 0)
        {
            row[width >> 3] &= (byte)(0xFF << (8 - rem));
        }
    }
}
