using System.Buffers.Binary;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Codecs;

/// <summary>
/// Just enough little-endian baseline TIFF to hand bilevel pages to libtiff's tools and read
/// their strips back. Test-only; the real TIFF code lives in FaxPost.Imaging.Tiff.
/// </summary>
internal static class TinyTiff
{
    internal sealed record File(int Width, int Height, int Compression, int FillOrder, int Photometric, int T4Options, int RowsPerStrip, IReadOnlyList<byte[]> Strips);

    /// <summary>Writes an uncompressed, single-strip, WhiteIsZero page.</summary>
    public static byte[] WriteUncompressed(BilevelImage page)
    {
        var tags = new List<(ushort Tag, ushort Type, uint Value)>
        {
            (256, 4, (uint)page.Width), (257, 4, (uint)page.Height), (258, 3, 1), (259, 3, 1), (262, 3, 0),
            (273, 4, 0), (277, 3, 1), (278, 4, (uint)page.Height), (279, 4, (uint)page.Pixels.Length),
        };
        int ifdOffset = 8;
        int ifdSize = 2 + (tags.Count * 12) + 4;
        int dataOffset = ifdOffset + ifdSize;
        tags[5] = (273, 4, (uint)dataOffset);
        byte[] file = new byte[dataOffset + page.Pixels.Length];
        file[0] = (byte)'I';
        file[1] = (byte)'I';
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)ifdOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(ifdOffset), (ushort)tags.Count);
        for (int i = 0; i < tags.Count; i++)
        {
            Span<byte> entry = file.AsSpan(ifdOffset + 2 + (i * 12), 12);
            BinaryPrimitives.WriteUInt16LittleEndian(entry, tags[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(2), tags[i].Type);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(4), 1);
            if (tags[i].Type == 3)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(8), (ushort)tags[i].Value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(8), tags[i].Value);
            }
        }

        page.Pixels.CopyTo(file, dataOffset);
        return file;
    }

    /// <summary>Reads the first page of a little- or big-endian TIFF.</summary>
    public static File Read(byte[] file)
    {
        bool little = file[0] == (byte)'I';
        uint U32(int at) => little ? BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at));
        ushort U16(int at) => little ? BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(at)) : BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(at));
        int ifd = (int)U32(4);
        int count = U16(ifd);
        var values = new Dictionary<int, uint[]>();
        for (int i = 0; i < count; i++)
        {
            int entry = ifd + 2 + (i * 12);
            int tag = U16(entry);
            int type = U16(entry + 2);
            int n = (int)U32(entry + 4);
            int size = type == 3 ? 2 : 4;
            if (type is not (3 or 4))
            {
                continue;
            }

            int at = n * size <= 4 ? entry + 8 : (int)U32(entry + 8);
            var list = new uint[n];
            for (int j = 0; j < n; j++)
            {
                list[j] = size == 2 ? U16(at + (j * 2)) : U32(at + (j * 4));
            }

            values[tag] = list;
        }

        int Get(int tag, int fallback) => values.TryGetValue(tag, out uint[]? v) ? (int)v[0] : fallback;
        uint[] offsets = values[273];
        uint[] counts = values[279];
        var strips = new List<byte[]>();
        for (int i = 0; i < offsets.Length; i++)
        {
            strips.Add(file.AsSpan((int)offsets[i], (int)counts[i]).ToArray());
        }

        int height = Get(257, 0);
        return new File(Get(256, 0), height, Get(259, 1), Get(266, 1), Get(262, 0), Get(292, 0), Get(278, height), strips);
    }

    /// <summary>The pels of an uncompressed page, as a <see cref="BilevelImage"/> with 1 = black.</summary>
    public static BilevelImage ToImage(File tiff)
    {
        if (tiff.Compression != 1)
        {
            throw new InvalidOperationException($"compression {tiff.Compression}, expected none");
        }

        var page = new BilevelImage(tiff.Width, tiff.Height);
        byte[] all = tiff.Strips.SelectMany(s => s).ToArray();
        Array.Copy(all, page.Pixels, Math.Min(all.Length, page.Pixels.Length));
        for (int i = 0; i < page.Pixels.Length; i++)
        {
            byte b = page.Pixels[i];
            if (tiff.FillOrder == 2)
            {
                b = (byte)(((b * 0x0202020202UL) & 0x010884422010UL) % 1023);
            }

            page.Pixels[i] = tiff.Photometric == 1 ? (byte)~b : b;
        }

        return page;
    }
}
