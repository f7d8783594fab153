using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace FaxPost.Imaging.Tiff;

/// <summary>One directory entry: where its values lie in the file (already bounds-checked).</summary>
internal readonly record struct TiffEntry(ushort Tag, TiffFieldType Type, uint Count, int ValuePosition)
{
    public static int TypeSize(TiffFieldType type) => type switch
    {
        TiffFieldType.Byte or TiffFieldType.Ascii or TiffFieldType.SByte or TiffFieldType.Undefined => 1,
        TiffFieldType.Short or TiffFieldType.SShort => 2,
        TiffFieldType.Long or TiffFieldType.SLong or TiffFieldType.Float or TiffFieldType.Ifd => 4,
        TiffFieldType.Rational or TiffFieldType.SRational or TiffFieldType.Double => 8,
        _ => 0,
    };
}

/// <summary>
/// A parsed image file directory (TIFF 6.0 §2): entries sorted by tag, values read on demand from the
/// file bytes. All positions were checked against the file length when the directory was parsed.
/// </summary>
internal sealed class TiffDirectory
{
    private readonly ReadOnlyMemory<byte> _file;
    private readonly bool _littleEndian;
    private readonly TiffEntry[] _entries;

    private TiffDirectory(ReadOnlyMemory<byte> file, bool littleEndian, TiffEntry[] entries, long offset, uint nextOffset)
    {
        _file = file;
        _littleEndian = littleEndian;
        _entries = entries;
        Offset = offset;
        NextOffset = nextOffset;
    }

    public long Offset { get; }

    public uint NextOffset { get; }

    public static TiffDirectory Parse(ReadOnlyMemory<byte> file, bool littleEndian, uint offset, TiffReadOptions options)
    {
        ReadOnlySpan<byte> span = file.Span;
        if (offset > span.Length - 2L)
        {
            Fail($"directory offset {offset} lies past the end of the file ({span.Length} bytes)");
        }

        int count = ReadU16(span, (int)offset, littleEndian);
        if (count > options.MaxEntriesPerDirectory)
        {
            Fail($"directory at {offset} has {count} entries, more than the limit of {options.MaxEntriesPerDirectory}");
        }

        long end = offset + 2L + (12L * count) + 4;
        if (end > span.Length)
        {
            Fail($"directory at {offset} with {count} entries is cut short by the end of the file");
        }

        var entries = new TiffEntry[count];
        int used = 0;
        for (int i = 0; i < count; i++)
        {
            int p = (int)offset + 2 + (12 * i);
            ushort tag = ReadU16(span, p, littleEndian);
            var type = (TiffFieldType)ReadU16(span, p + 2, littleEndian);
            uint n = ReadU32(span, p + 4, littleEndian);
            int size = TiffEntry.TypeSize(type);
            if (size == 0)
            {
                continue; // TIFF 6.0 §2: readers skip fields of unknown type.
            }

            long bytes = (long)size * n;
            long valuePos = p + 8;
            if (bytes > 4)
            {
                valuePos = ReadU32(span, p + 8, littleEndian);
                if (valuePos + bytes > span.Length)
                {
                    Fail($"tag {tag} has {n} values at offset {valuePos}, past the end of the file");
                }
            }

            entries[used++] = new TiffEntry(tag, type, n, (int)valuePos);
        }

        Array.Resize(ref entries, used);
        Array.Sort(entries, static (a, b) => a.Tag.CompareTo(b.Tag));
        uint next = ReadU32(span, (int)(end - 4), littleEndian);
        return new TiffDirectory(file, littleEndian, entries, offset, next);
    }

    public bool TryGet(ushort tag, out TiffEntry entry)
    {
        int lo = 0, hi = _entries.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            int c = _entries[mid].Tag.CompareTo(tag);
            if (c == 0)
            {
                entry = _entries[mid];
                return true;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        entry = default;
        return false;
    }

    public bool Has(ushort tag) => TryGet(tag, out _);

    /// <summary>Value <paramref name="index"/> of an integer field (BYTE, SHORT, LONG, IFD, or signed kinds).</summary>
    public long GetInteger(in TiffEntry entry, int index)
    {
        if ((uint)index >= entry.Count)
        {
            Fail($"tag {entry.Tag} has {entry.Count} values, value {index} is missing");
        }

        ReadOnlySpan<byte> span = _file.Span;
        return entry.Type switch
        {
            TiffFieldType.Byte or TiffFieldType.Undefined => span[entry.ValuePosition + index],
            TiffFieldType.SByte => (sbyte)span[entry.ValuePosition + index],
            TiffFieldType.Short => ReadU16(span, entry.ValuePosition + (2 * index), _littleEndian),
            TiffFieldType.SShort => (short)ReadU16(span, entry.ValuePosition + (2 * index), _littleEndian),
            TiffFieldType.Long or TiffFieldType.Ifd => ReadU32(span, entry.ValuePosition + (4 * index), _littleEndian),
            TiffFieldType.SLong => (int)ReadU32(span, entry.ValuePosition + (4 * index), _littleEndian),
            _ => Fail<long>($"tag {entry.Tag} has type {entry.Type}, an integer was expected"),
        };
    }

    /// <summary>The first value of an integer field, or <paramref name="fallback"/> when the tag is absent.</summary>
    public long GetInteger(ushort tag, long fallback) =>
        TryGet(tag, out TiffEntry e) && e.Count > 0 ? GetInteger(e, 0) : fallback;

    /// <summary>A RATIONAL (or integer) field as a number; null when absent or with a zero denominator.</summary>
    public double? GetNumber(ushort tag)
    {
        if (!TryGet(tag, out TiffEntry e) || e.Count == 0)
        {
            return null;
        }

        ReadOnlySpan<byte> span = _file.Span;
        switch (e.Type)
        {
            case TiffFieldType.Rational:
            {
                uint num = ReadU32(span, e.ValuePosition, _littleEndian);
                uint den = ReadU32(span, e.ValuePosition + 4, _littleEndian);
                return den == 0 ? null : (double)num / den;
            }

            case TiffFieldType.SRational:
            {
                int num = (int)ReadU32(span, e.ValuePosition, _littleEndian);
                int den = (int)ReadU32(span, e.ValuePosition + 4, _littleEndian);
                return den == 0 ? null : (double)num / den;
            }

            case TiffFieldType.Float:
                return BitConverter.Int32BitsToSingle((int)ReadU32(span, e.ValuePosition, _littleEndian));
            case TiffFieldType.Double:
                ulong bits = _littleEndian
                    ? BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(e.ValuePosition))
                    : BinaryPrimitives.ReadUInt64BigEndian(span.Slice(e.ValuePosition));
                return BitConverter.Int64BitsToDouble((long)bits);
            default:
                return GetInteger(e, 0);
        }
    }

    public string? GetAscii(ushort tag)
    {
        if (!TryGet(tag, out TiffEntry e) || e.Type != TiffFieldType.Ascii)
        {
            return null;
        }

        ReadOnlySpan<byte> bytes = _file.Span.Slice(e.ValuePosition, (int)e.Count);
        int nul = bytes.IndexOf((byte)0);
        return System.Text.Encoding.Latin1.GetString(nul >= 0 ? bytes[..nul] : bytes);
    }

    internal static ushort ReadU16(ReadOnlySpan<byte> s, int p, bool le) =>
        le ? BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(p)) : BinaryPrimitives.ReadUInt16BigEndian(s.Slice(p));

    internal static uint ReadU32(ReadOnlySpan<byte> s, int p, bool le) =>
        le ? BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(p)) : BinaryPrimitives.ReadUInt32BigEndian(s.Slice(p));

    [DoesNotReturn]
    internal static void Fail(string message) => throw new TiffFormatException("TIFF: " + message + ".");

    [DoesNotReturn]
    internal static T Fail<T>(string message) => throw new TiffFormatException("TIFF: " + message + ".");
}
