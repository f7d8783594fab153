using System.Buffers.Binary;

namespace FaxPost.Imaging.Tiff;

/// <summary>
/// Lays out one little-endian image file directory: entries sorted by tag (TIFF 6.0 §2 requires
/// ascending order), values over four bytes placed after the directory on word boundaries.
/// </summary>
internal sealed class TiffIfdBuilder
{
    private readonly SortedDictionary<ushort, (TiffFieldType Type, uint Count, byte[] Value)> _entries = [];

    public void Short(ushort tag, params ReadOnlySpan<ushort> values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        }

        _entries[tag] = (TiffFieldType.Short, (uint)values.Length, bytes);
    }

    public void Long(ushort tag, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _entries[tag] = (TiffFieldType.Long, 1, bytes);
    }

    public void Rational(ushort tag, double value)
    {
        (uint num, uint den) = ToRational(value);
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, num);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), den);
        _entries[tag] = (TiffFieldType.Rational, 1, bytes);
    }

    public void Ascii(ushort tag, string value)
    {
        byte[] bytes = new byte[value.Length + 1];
        for (int i = 0; i < value.Length; i++)
        {
            bytes[i] = value[i] < 0x80 ? (byte)value[i] : (byte)'?';
        }

        _entries[tag] = (TiffFieldType.Ascii, (uint)bytes.Length, bytes);
    }

    /// <summary>Size of the directory with its out-of-line values.</summary>
    public int Size
    {
        get
        {
            int size = 2 + (12 * _entries.Count) + 4;
            foreach (var e in _entries.Values)
            {
                if (e.Value.Length > 4)
                {
                    size += (e.Value.Length + 1) & ~1;
                }
            }

            return size;
        }
    }

    /// <summary>
    /// Writes the directory into <paramref name="destination"/>, which will sit at file offset
    /// <paramref name="offset"/>; returns where (relative to the directory) each tag's inline value lies.
    /// </summary>
    public Dictionary<ushort, int> Write(Span<byte> destination, uint offset)
    {
        var inline = new Dictionary<ushort, int>();
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)_entries.Count);
        int extra = 2 + (12 * _entries.Count) + 4;
        int p = 2;
        foreach ((ushort tag, var e) in _entries)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination[p..], tag);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[(p + 2)..], (ushort)e.Type);
            BinaryPrimitives.WriteUInt32LittleEndian(destination[(p + 4)..], e.Count);
            if (e.Value.Length > 4)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(destination[(p + 8)..], offset + (uint)extra);
                e.Value.CopyTo(destination[extra..]);
                extra += (e.Value.Length + 1) & ~1;
            }
            else
            {
                e.Value.CopyTo(destination[(p + 8)..]);
                inline[tag] = p + 8;
            }

            p += 12;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination[p..], 0); // next directory: none yet
        return inline;
    }

    /// <summary>Offset of the next-directory link, relative to the directory.</summary>
    public int NextLinkPosition => 2 + (12 * _entries.Count);

    internal static (uint Num, uint Den) ToRational(double value)
    {
        if (!(value > 0) || value > 1e6)
        {
            return (0, 1);
        }

        double rounded = Math.Round(value);
        if (Math.Abs(value - rounded) < 1e-9)
        {
            return ((uint)rounded, 1);
        }

        uint num = (uint)Math.Round(value * 10000), den = 10000;
        uint a = num, b = den;
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return (num / a, den / a);
    }
}
