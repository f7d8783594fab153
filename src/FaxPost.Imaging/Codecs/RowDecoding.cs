using System.Numerics;

namespace FaxPost.Imaging.Codecs;

internal enum RowResult
{
    Complete,

    /// <summary>The row runs past the data so far; nothing may be kept from this attempt.</summary>
    NeedMore,

    /// <summary>An undefined code, a run past the row end, or no progress.</summary>
    Invalid,

    /// <summary>An EOL (or fill zeros) where a code was expected; the reader stands on it.</summary>
    Eol,
}

/// <summary>
/// Decodes one coded row into a changing-element list (T.4 §4.1 one-dimensional,
/// T.4 §4.2 / T.6 §2.2 two-dimensional). Pure functions over a <see cref="BitReader"/>.
/// </summary>
internal static class RowDecoding
{
    private const int NeedMoreRun = -1;
    private const int InvalidRun = -2;
    private const int EolRun = -3;

    public static RowResult Decode1D(ref BitReader reader, Span<int> elements, int width, out int count)
    {
        int position = 0;
        int colour = 0;
        count = 0;
        while (true)
        {
            int run = DecodeRun(ref reader, colour, width - position);
            if (run < 0)
            {
                return ToResult(run);
            }

            position += run;
            if (position >= width)
            {
                return RowResult.Complete;
            }

            // A legitimate row has at most one element per pel; zero-length runs beyond that are hostile.
            if (count >= width)
            {
                return RowResult.Invalid;
            }

            elements[count++] = position;
            colour ^= 1;
        }
    }

    public static RowResult Decode2D(ref BitReader reader, ReadOnlySpan<int> reference, Span<int> elements, int width, out int count)
    {
        ReadOnlySpan<byte> modes = FaxCodeTables.Modes;
        int a0 = -1;
        int colour = 0;
        int referenceIndex = 0;
        count = 0;
        while (a0 < width)
        {
            reader.Fill();
            int entry = modes[(int)reader.Peek(7)];
            int mode = entry >> 3;
            if (mode >= FaxCodeTables.ModeExtension)
            {
                if (reader.Remaining < FaxCodeTables.EolLength)
                {
                    return RowResult.NeedMore;
                }

                // T.4 §4.2.2 / T.6 §2.2.4: twelve bits 0000 0000 000x are an EOL (or fill);
                // the extension (uncompressed mode) is not supported.
                return mode == FaxCodeTables.ModeZeros && reader.Peek(FaxCodeTables.EolLength) <= 1 ? RowResult.Eol : RowResult.Invalid;
            }

            reader.Skip(entry & 7);
            if (reader.Remaining < 0)
            {
                return RowResult.NeedMore;
            }

            int b1 = ChangingElements.FindB1(reference, ref referenceIndex, a0, colour);
            if (mode < FaxCodeTables.ModePass)
            {
                // Vertical mode: a1 = b1 + (mode - 3).
                int a1 = b1 + mode - 3;
                if (a1 <= a0 || a1 > width)
                {
                    return RowResult.Invalid;
                }

                if (a1 < width)
                {
                    elements[count++] = a1;
                }

                a0 = a1;
                colour ^= 1;
            }
            else if (mode == FaxCodeTables.ModePass)
            {
                a0 = reference[referenceIndex + 1];
            }
            else
            {
                int start = a0 < 0 ? 0 : a0;
                int run1 = DecodeRun(ref reader, colour, width - start);
                if (run1 < 0)
                {
                    return ToResult(run1);
                }

                int run2 = DecodeRun(ref reader, colour ^ 1, width - start - run1);
                if (run2 < 0)
                {
                    return ToResult(run2);
                }

                int a1 = start + run1;
                int a2 = a1 + run2;
                if (a2 <= a0)
                {
                    return RowResult.Invalid;
                }

                if (a1 < width)
                {
                    elements[count++] = a1;
                    if (a2 < width)
                    {
                        elements[count++] = a2;
                    }
                }

                a0 = a2;
            }
        }

        return RowResult.Complete;
    }

    /// <summary>Decodes make-up codes and one terminating code; returns the run or a negative status.</summary>
    private static int DecodeRun(ref BitReader reader, int colour, int maxRun)
    {
        ushort[] first = colour == 0 ? RunDecodeTables.White : RunDecodeTables.Black;
        ushort[] full = colour == 0 ? RunDecodeTables.WhiteFull : RunDecodeTables.BlackFull;
        int firstBits = colour == 0 ? RunDecodeTables.WhiteBits : RunDecodeTables.BlackBits;
        int total = 0;
        while (true)
        {
            reader.Fill();
            int entry = first[reader.Peek(firstBits)];
            if ((entry & 15) == 0)
            {
                entry = full[reader.Peek(RunDecodeTables.FullBits)];
                if (entry == RunDecodeTables.EolMarker)
                {
                    return reader.Remaining < FaxCodeTables.EolLength ? NeedMoreRun : EolRun;
                }

                if (entry == 0)
                {
                    return reader.Remaining < RunDecodeTables.FullBits ? NeedMoreRun : InvalidRun;
                }
            }

            reader.Skip(entry & 15);
            if (reader.Remaining < 0)
            {
                return NeedMoreRun;
            }

            int run = entry >> 4;
            total += run;
            if (total > maxRun)
            {
                return InvalidRun;
            }

            if (run < 64)
            {
                return total;
            }
        }
    }

    private static RowResult ToResult(int status) => status switch
    {
        NeedMoreRun => RowResult.NeedMore,
        EolRun => RowResult.Eol,
        _ => RowResult.Invalid,
    };

    /// <summary>
    /// Consumes zero bits up to the next one bit (not consumed) or the end of the real data;
    /// returns how many. The caller tells the two apart by <see cref="BitReader.Remaining"/>.
    /// </summary>
    public static long SkipZeros(ref BitReader reader)
    {
        long zeros = 0;
        while (true)
        {
            reader.Fill();
            long remaining = reader.Remaining;
            if (remaining <= 0)
            {
                return zeros;
            }

            int available = remaining < 32 ? (int)remaining : 32;
            int lz = BitOperations.LeadingZeroCount(reader.Window);
            if (lz < available)
            {
                reader.Skip(lz);
                return zeros + lz;
            }

            reader.Skip(available);
            zeros += available;
        }
    }

    /// <summary>True when every real bit from <paramref name="bit"/> on is zero (padding).</summary>
    public static bool OnlyZerosFrom(ReadOnlySpan<byte> data, long bit)
    {
        int index = (int)(bit >> 3);
        if (index >= data.Length)
        {
            return true;
        }

        if ((data[index] & (0xFF >> (int)(bit & 7))) != 0)
        {
            return false;
        }

        return !data.Slice(index + 1).ContainsAnyExcept((byte)0);
    }
}
