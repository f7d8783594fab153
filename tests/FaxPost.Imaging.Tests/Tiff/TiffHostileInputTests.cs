using System.Buffers.Binary;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Imaging.Tests.Tiff;

/// <summary>Truncated, looping, oversized and mutated files: only <see cref="TiffFormatException"/>, never a hang.</summary>
public sealed class TiffHostileInputTests
{
    private static readonly TiffReadOptions Tight = new()
    {
        MaxPages = 50, MaxWidth = 4096, MaxRows = 4096, MaxBytesPerPage = 1 << 20, MaxEntriesPerDirectory = 64,
    };

    [Fact]
    public void Every_prefix_of_a_file_reads_cleanly_or_fails_with_our_exception()
    {
        byte[] file = SeedFiles()[0];
        int complete = 0;
        for (int n = 0; n <= file.Length; n++)
        {
            if (TryReadAll(file.AsMemory(0, n)))
            {
                complete++;
            }
        }

        Assert.True(complete >= 1, "the whole file must read");
    }

    [Fact]
    public void A_directory_chain_that_loops_is_refused()
    {
        byte[] file = SeedFiles()[0];
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan((int)first));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan((int)first + 2 + (12 * count)), first);

        var e = Assert.Throws<TiffFormatException>(() => TiffDocument.Read(file));
        Assert.Contains("loops", e.Message);
    }

    [Fact]
    public void Limits_are_enforced_with_messages_naming_them()
    {
        byte[] file = SeedFiles()[0];
        Assert.Contains("wide", Assert.Throws<TiffFormatException>(() => TiffDocument.Read(file, new TiffReadOptions { MaxWidth = 10 })).Message);
        Assert.Contains("rows", Assert.Throws<TiffFormatException>(() => TiffDocument.Read(file, new TiffReadOptions { MaxRows = 10 })).Message);
        Assert.Contains("entries", Assert.Throws<TiffFormatException>(() => TiffDocument.Read(file, new TiffReadOptions { MaxEntriesPerDirectory = 3 })).Message);
        Assert.Contains("limit", Assert.Throws<TiffFormatException>(() => TiffDocument.Read(file, new TiffReadOptions { MaxBytesPerPage = 10 })).Message);
    }

    [Fact]
    public void Huge_entry_counts_and_offsets_past_the_end_are_refused()
    {
        byte[] file = SeedFiles()[0];
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4));
        byte[] hugeCount = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(hugeCount.AsSpan((int)first), 0xFFFF);
        Assert.Throws<TiffFormatException>(() => TiffDocument.Read(hugeCount));

        byte[] pastEnd = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(pastEnd.AsSpan(4), 0xFFFFFFF0);
        Assert.Contains("past the end", Assert.Throws<TiffFormatException>(() => TiffDocument.Read(pastEnd)).Message);

        Assert.Throws<TiffFormatException>(() => TiffDocument.Read(new byte[] { (byte)'I', (byte)'I', 43, 0, 8, 0, 0, 0, 0, 0 }));
        Assert.Throws<TiffFormatException>(() => TiffDocument.Read("GIF89a.."u8.ToArray()));
    }

    [Fact]
    public void Absurd_geometry_in_a_hand_made_directory_is_refused_before_allocating()
    {
        // One page claiming 65535 x 4294967295 pixels with a strip table of 2^32-1 entries.
        var w = new TiffIfdBuilderForTests();
        w.Add(256, 4, 1, 65535);
        w.Add(257, 4, 1, uint.MaxValue);
        w.Add(273, 4, uint.MaxValue, 8);
        w.Add(278, 4, 1, 1);
        byte[] file = w.Build();

        Assert.Throws<TiffFormatException>(() => TiffDocument.Read(file));
        Assert.Throws<TiffFormatException>(() => TiffDocument.Read(file, new TiffReadOptions { MaxWidth = 70000, MaxRows = int.MaxValue }));
    }

    [Fact]
    public void Fuzzed_files_only_ever_raise_our_exception()
    {
        List<byte[]> seeds = SeedFiles();
        var random = new Random(20261123);
        int accepted = 0;
        for (int i = 0; i < 100_000; i++)
        {
            byte[] seed = seeds[i % seeds.Count];
            byte[] input = Mutate(seed, random);
            if (TryReadAll(input))
            {
                accepted++;
            }
        }

        Assert.InRange(accepted, 1, 99_999); // some mutations hit pixels only, others break structure
    }

    internal static bool TryReadAll(ReadOnlyMemory<byte> data)
    {
        try
        {
            TiffDocument doc = TiffDocument.Read(data, Tight);
            foreach (TiffPage page in doc.Pages)
            {
                if (page.IsBilevel)
                {
                    BilevelImage image = page.DecodeBilevel();
                    Assert.Equal(page.Height, image.Height);
                }
                else
                {
                    GrayImage image = page.DecodeGray();
                    Assert.Equal(page.Width, image.Width);
                }
            }

            return true;
        }
        catch (TiffFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return false;
        }
    }

    internal static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] input = (byte[])seed.Clone();
        int kind = random.Next(10);
        if (kind == 0)
        {
            return input.AsSpan(0, random.Next(input.Length)).ToArray();
        }

        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            int at = random.Next(input.Length);
            switch (random.Next(4))
            {
                case 0:
                    input[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    input[at] = (byte)random.Next(256);
                    break;
                case 2:
                    input[at] = random.Next(2) == 0 ? (byte)0 : (byte)0xFF;
                    break;
                default:
                    // A 16- or 32-bit field (entry count, type, count or offset) set to an edge value.
                    if (at + 4 <= input.Length)
                    {
                        uint v = random.Next(3) switch { 0 => 0, 1 => uint.MaxValue, _ => (uint)random.Next(input.Length * 2) };
                        BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(at), v);
                    }

                    break;
            }
        }

        return input;
    }

    /// <summary>Small files of each kind the reader handles, made by real tools once per run.</summary>
    internal static List<byte[]> SeedFiles() => SeedCache.Value.Select(b => (byte[])b.Clone()).ToList();

    private static readonly Lazy<List<byte[]>> SeedCache = new(() =>
    {
        using var dir = new TempDir();
        var seeds = new List<byte[]>();
        BilevelImage page = TestPages.Create(40, 12, seed: 9);
        foreach ((string c, bool lsb, int rps) in new[] { ("lzw", false, 5), ("packbits", true, 0), ("zip", false, 0), ("none", false, 4) })
        {
            seeds.Add(File.ReadAllBytes(TiffReaderTests.MakeTiff(dir, page, c, lsb, rps, c)));
        }

        seeds.Add(File.ReadAllBytes(FaxStrips.MakeFaxTiff(dir, page, "g4", lsbFirst: false, name: "g4")));
        seeds.Add(File.ReadAllBytes(FaxStrips.MakeFaxTiff(dir, page, "g3:2d", lsbFirst: true, rowsPerStrip: 5, name: "g32d")));
        var gray = new GrayImage(9, 7);
        new Random(1).NextBytes(gray.Pixels);
        File.WriteAllBytes(dir.File("g.pgm"), Netpbm.WritePgm(gray));
        File.WriteAllBytes(dir.File("g.tif"), ExternalTool.Run("pnmtotiff", dir.File("g.pgm")).Stdout);
        ExternalTool.Run("tiffcp", "-c", "lzw:2", dir.File("g.tif"), dir.File("g1.tif"));
        ExternalTool.Run("tiffcp", dir.File("g1.tif"), dir.File("packbits.tif"), dir.File("g2.tif"));
        seeds.Add(File.ReadAllBytes(dir.File("g2.tif")));
        return seeds;
    });
}

/// <summary>Builds a little-endian TIFF with one directory of raw entries, for hand-made hostile cases.</summary>
internal sealed class TiffIfdBuilderForTests
{
    private readonly List<(ushort Tag, ushort Type, uint Count, uint Value)> _entries = [];

    public void Add(ushort tag, ushort type, uint count, uint value) => _entries.Add((tag, type, count, value));

    public byte[] Build()
    {
        var file = new byte[8 + 2 + (12 * _entries.Count) + 4 + 64];
        "II"u8.CopyTo(file);
        file[2] = 42;
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)_entries.Count);
        int p = 10;
        foreach (var e in _entries.OrderBy(e => e.Tag))
        {
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(p), e.Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(p + 2), e.Type);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(p + 4), e.Count);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(p + 8), e.Value);
            p += 12;
        }

        return file;
    }
}
