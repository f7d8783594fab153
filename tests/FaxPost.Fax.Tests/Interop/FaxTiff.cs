using System.Buffers.Binary;

namespace FaxPost.Fax.Tests.Interop;

/// <summary>Wraps received T.4/T.6 data in a one-strip TIFF so libtiff's tools can decode and compare it.</summary>
internal static class FaxTiff
{
    public static void Write(string path, ReadOnlySpan<byte> data, int width, int rows, bool t6, bool twoDimensional, bool lsbFirst)
    {
        var tags = new List<(ushort Tag, ushort Type, uint Value)>
        {
            (256, 4, (uint)width),
            (257, 4, (uint)rows),
            (258, 3, 1),
            (259, 3, t6 ? 4u : 3u),
            (262, 3, 0),
            (266, 3, lsbFirst ? 2u : 1u),
            (273, 4, 0), // strip offset, patched below
            (277, 3, 1),
            (278, 4, (uint)rows),
            (279, 4, (uint)data.Length),
            (282, 5, 0), // x resolution (rational), patched below
            (283, 5, 0),
            (t6 ? (ushort)293 : (ushort)292, 4, twoDimensional && !t6 ? 1u : 0u),
            (296, 3, 2),
        };
        var ifdSize = 2 + (tags.Count * 12) + 4;
        var rationals = 8 + ifdSize;
        var strip = rationals + 16;
        var file = new byte[strip + data.Length];
        "II"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)tags.Count);
        for (var i = 0; i < tags.Count; i++)
        {
            var (tag, type, value) = tags[i];
            value = tag switch
            {
                273 => (uint)strip,
                282 => (uint)rationals,
                283 => (uint)rationals + 8,
                _ => value,
            };
            var e = file.AsSpan(10 + (i * 12));
            BinaryPrimitives.WriteUInt16LittleEndian(e, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(e[2..], type);
            BinaryPrimitives.WriteUInt32LittleEndian(e[4..], 1);
            if (type == 3)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(e[8..], (ushort)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(e[8..], value);
            }
        }

        // 204 x 196 dpi (fine).
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(rationals), 204);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(rationals + 4), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(rationals + 8), 196);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(rationals + 12), 1);
        data.CopyTo(file.AsSpan(strip));
        File.WriteAllBytes(path, file);
    }
}
