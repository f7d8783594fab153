using System.Buffers.Binary;
using System.Numerics;

namespace FaxPost.Imaging.Codecs;

/// <summary>
/// Rows as lists of changing elements (T.4 §4.2.1.3.1): positions where a pel differs from the
/// pel before it, the imaginary pel before the row being white. Element i turns the row black
/// when i is even, white when odd. Lists end with <see cref="Sentinels"/> copies of the width.
/// </summary>
internal static class ChangingElements
{
    public const int Sentinels = 3;

    /// <summary>List capacity for a width: decoders may see up to two elements per pel of progress.</summary>
    public static int Capacity(int width) => (2 * width) + 8;

    /// <summary>Bytes of a scratch row for <see cref="Find"/>: whole 64-bit words.</summary>
    public static int ScratchBytes(int width) => ((width + 63) >> 6) << 3;

    /// <summary>
    /// Finds the changing elements of a packed row. <paramref name="scratch"/> (from
    /// <see cref="ScratchBytes"/>) receives a copy with the pad bits cleared, so whole words
    /// can be scanned; transitions come from w ^ (w >> 1), one leading-zero count each.
    /// </summary>
    public static int Find(ReadOnlySpan<byte> row, int width, Span<byte> scratch, Span<int> elements)
    {
        int stride = (width + 7) >> 3;
        row = row.Slice(0, stride);
        row.CopyTo(scratch);
        scratch.Slice(stride).Clear();
        if ((width & 7) != 0)
        {
            scratch[stride - 1] &= (byte)(0xFF << (8 - (width & 7)));
        }

        int count = 0;
        ulong carry = 0;
        for (int word = 0, bit = 0; bit < width; word += 8, bit += 64)
        {
            ulong w = BinaryPrimitives.ReadUInt64BigEndian(scratch.Slice(word));
            ulong transitions = w ^ ((w >> 1) | carry);
            carry = w << 63;
            while (transitions != 0)
            {
                int lz = BitOperations.LeadingZeroCount(transitions);
                int position = bit + lz;
                if (position >= width)
                {
                    break;
                }

                elements[count++] = position;
                transitions &= ~(0x8000_0000_0000_0000UL >> lz);
            }
        }

        AddSentinels(elements, count, width);
        return count;
    }

    public static void AddSentinels(Span<int> elements, int count, int width)
    {
        elements[count] = width;
        elements[count + 1] = width;
        elements[count + 2] = width;
    }

    /// <summary>Writes the packed row described by <paramref name="count"/> elements.</summary>
    public static void Render(ReadOnlySpan<int> elements, int count, int width, Span<byte> row)
    {
        row.Clear();
        for (int i = 0; i < count; i += 2)
        {
            int start = elements[i];
            int end = i + 1 < count ? elements[i + 1] : width;
            if (end > start)
            {
                FillBlack(row, start, end);
            }
        }
    }

    private static void FillBlack(Span<byte> row, int start, int end)
    {
        int first = start >> 3;
        int last = (end - 1) >> 3;
        byte headMask = (byte)(0xFF >> (start & 7));
        byte tailMask = (byte)(0xFF << (7 - ((end - 1) & 7)));
        if (first == last)
        {
            row[first] |= (byte)(headMask & tailMask);
            return;
        }

        row[first] |= headMask;
        if (last > first + 1)
        {
            row.Slice(first + 1, last - first - 1).Fill(0xFF);
        }

        row[last] |= tailMask;
    }

    /// <summary>
    /// T.4 §4.2.1.3.1: b1 is the first element of the reference row right of a0 whose colour is
    /// opposite to a0's; b2 the next one. <paramref name="index"/> carries over between calls
    /// (a0 only grows, so at most one step back is ever needed).
    /// </summary>
    public static int FindB1(ReadOnlySpan<int> reference, ref int index, int a0, int colour)
    {
        int i = index > 0 ? index - 1 : 0;
        while (reference[i] <= a0)
        {
            i++;
        }

        if ((i & 1) != colour)
        {
            i++;
        }

        index = i;
        return reference[i];
    }
}
