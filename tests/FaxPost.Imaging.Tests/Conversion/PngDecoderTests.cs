using FaxPost.Imaging.Conversion;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tests.Raster;

namespace FaxPost.Imaging.Tests.Conversion;

public sealed class PngDecoderTests
{
    public static TheoryData<int, int, bool> Formats()
    {
        var data = new TheoryData<int, int, bool>();
        (int Type, int[] Depths)[] formats = [(0, [1, 2, 4, 8, 16]), (2, [8, 16]), (3, [1, 2, 4, 8]), (4, [8, 16]), (6, [8, 16])];
        foreach ((int type, int[] depths) in formats)
        {
            foreach (int depth in depths)
            {
                data.Add(type, depth, false);
                data.Add(type, depth, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_colour_type_and_depth_round_trips(int colorType, int depth, bool interlace)
    {
        const int w = 13, h = 11; // odd sizes exercise partial Adam7 passes and bit packing
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int max = (1 << depth) - 1;
        var rng = new Random((colorType * 100) + depth);
        int paletteSize = colorType == 3 ? Math.Min(256, 1 << depth) : 0;
        byte[]? plte = colorType == 3 ? new byte[paletteSize * 3] : null;
        byte[]? trns = colorType == 3 ? new byte[paletteSize / 2 == 0 ? 1 : paletteSize / 2] : null;
        plte?.AsSpan().Fill(0);
        if (plte is not null)
        {
            rng.NextBytes(plte);
            rng.NextBytes(trns!);
        }

        var samples = new int[h, w, channels];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    samples[y, x, c] = rng.Next(max + 1);
                }
            }
        }

        byte[] png = TestPngEncoder.Encode(w, h, colorType, depth, samples, interlace, plte, trns, idatSplit: 7);
        var sink = new RgbaSink();
        PngDecoder.Decode(png, 1_000_000, sink);

        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                ushort[] expected = Expected(colorType, depth, samples, y, x, plte, trns);
                ushort[] actual = [sink.Pixels[y, x, 0], sink.Pixels[y, x, 1], sink.Pixels[y, x, 2], sink.Pixels[y, x, 3]];
                Assert.True(expected.SequenceEqual(actual), $"pixel {x},{y}: expected {string.Join(",", expected)} got {string.Join(",", actual)}");
            }
        }
    }

    [Fact]
    public void Files_from_the_project_png_encoder_decode_to_the_same_pixels()
    {
        var gray = new GrayImage(37, 19, 300, 150);
        new Random(21).NextBytes(gray.Pixels);
        BilevelImage bits = RasterTestPages.Random(45, 7, seed: 22);

        GrayImage g = PngDecoder.DecodeGray(FaxPost.Imaging.Png.PngEncoder.Encode(gray), 10_000);
        GrayImage b = PngDecoder.DecodeGray(FaxPost.Imaging.Png.PngEncoder.Encode(bits), 10_000);

        Assert.Equal(gray.Pixels, g.Pixels);
        Assert.Equal(300, g.XDpi, 0.5);
        Assert.Equal(150, g.YDpi, 0.5);
        for (int y = 0; y < 7; y++)
        {
            for (int x = 0; x < 45; x++)
            {
                Assert.Equal(bits[x, y] ? 0 : 255, b[x, y]);
            }
        }
    }

    [Fact]
    public void Transparent_grey_key_and_alpha_composite_on_white()
    {
        // Grey 8-bit with tRNS key 0: black pixels marked transparent show as white.
        var samples = new int[1, 3, 1];
        samples[0, 0, 0] = 0;
        samples[0, 1, 0] = 100;
        samples[0, 2, 0] = 255;
        GrayImage g = PngDecoder.DecodeGray(TestPngEncoder.Encode(3, 1, 0, 8, samples, trns: [0, 0]), 100);
        Assert.Equal([255, 100, 255], g.Pixels);

        // Grey + alpha: half-transparent black is mid grey on white.
        var ga = new int[1, 2, 2];
        ga[0, 0, 0] = 0;
        ga[0, 0, 1] = 128;
        ga[0, 1, 0] = 0;
        ga[0, 1, 1] = 255;
        GrayImage g2 = PngDecoder.DecodeGray(TestPngEncoder.Encode(2, 1, 4, 8, ga), 100);
        Assert.Equal([127, 0], g2.Pixels);
    }

    [Fact]
    public void Colour_becomes_luma()
    {
        var rgb = new int[1, 3, 3];
        rgb[0, 0, 0] = 255; // red
        rgb[0, 1, 1] = 255; // green
        rgb[0, 2, 2] = 255; // blue
        GrayImage g = PngDecoder.DecodeGray(TestPngEncoder.Encode(3, 1, 2, 8, rgb), 100);

        Assert.Equal([76, 150, 29], g.Pixels); // 0.299, 0.587, 0.114 of 255
    }

    [Fact]
    public void Physical_resolution_is_read_from_pHYs()
    {
        var samples = new int[1, 1, 1];
        GrayImage g = PngDecoder.DecodeGray(TestPngEncoder.Encode(1, 1, 0, 8, samples, pixelsPerMetre: (11811, 3937)), 100);

        Assert.Equal(300, g.XDpi, 0.1);
        Assert.Equal(100, g.YDpi, 0.1);
    }

    [Fact]
    public void Bad_crc_size_limit_and_wrong_signature_are_format_errors()
    {
        var samples = new int[4, 4, 1];
        byte[] png = TestPngEncoder.Encode(4, 4, 0, 8, samples);

        byte[] badCrc = (byte[])png.Clone();
        badCrc[30] ^= 1; // inside the IHDR CRC
        Assert.Contains("CRC", Assert.Throws<ImageFormatException>(() => PngDecoder.DecodeGray(badCrc, 100)).Message, StringComparison.Ordinal);
        Assert.Contains("limit", Assert.Throws<ImageFormatException>(() => PngDecoder.DecodeGray(png, 15)).Message, StringComparison.Ordinal);
        Assert.Throws<ImageFormatException>(() => PngDecoder.DecodeGray(png.AsSpan(1).ToArray(), 100));
    }

    [Fact]
    public void Every_prefix_of_a_png_is_a_format_error()
    {
        var samples = new int[5, 7, 3];
        new Random(3).NextBytes(new byte[1]);
        byte[] png = TestPngEncoder.Encode(7, 5, 2, 8, samples, interlace: true, idatSplit: 5);

        for (int n = 0; n < png.Length - 12; n++) // the last 12 bytes are IEND
        {
            Assert.Throws<ImageFormatException>(() => PngDecoder.DecodeGray(png.AsSpan(0, n), 1000));
        }

        Assert.Equal(35, PngDecoder.DecodeGray(png, 1000).Pixels.Length);
    }

    [Fact]
    public void Fuzzed_pngs_only_ever_fail_with_format_errors()
    {
        var rng = new Random(1234);
        var seeds = new List<byte[]>();
        foreach ((int type, int depth, bool interlace) in new[] { (0, 1, false), (3, 4, true), (2, 16, false), (6, 8, true), (4, 8, false) })
        {
            int channels = type switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
            var s = new int[6, 9, channels];
            for (int y = 0; y < 6; y++)
            {
                for (int x = 0; x < 9; x++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        s[y, x, c] = rng.Next(1 << depth);
                    }
                }
            }

            seeds.Add(TestPngEncoder.Encode(9, 6, type, depth, s, interlace, type == 3 ? new byte[48] : null));
        }

        int accepted = 0;
        for (int i = 0; i < 30_000; i++)
        {
            byte[] input = (byte[])seeds[i % seeds.Count].Clone();
            int edits = 1 + rng.Next(4);
            for (int e = 0; e < edits; e++)
            {
                input[rng.Next(input.Length)] = (byte)rng.Next(256);
            }

            // Mutations behind a valid CRC reach the parsers: fix CRCs half of the time.
            if ((i & 1) == 0)
            {
                FixCrcs(input);
            }

            try
            {
                GrayImage g = PngDecoder.DecodeGray(input, 10_000);
                Assert.Equal(g.Width * g.Height, g.Pixels.Length);
                accepted++;
            }
            catch (ImageFormatException)
            {
            }
        }

        Assert.InRange(accepted, 1, 30_000);
    }

    private static void FixCrcs(byte[] png)
    {
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            long len = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            if (len > png.Length - pos - 12)
            {
                return;
            }

            uint crc = PngDecoder.Crc32(png.AsSpan(pos + 4, 4 + (int)len));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(pos + 8 + (int)len), crc);
            pos += 12 + (int)len;
        }
    }

    private static ushort[] Expected(int type, int depth, int[,,] s, int y, int x, byte[]? plte, byte[]? trns)
    {
        ushort Scale(int v) => (ushort)(v * 65535L / ((1 << depth) - 1));
        switch (type)
        {
            case 0:
                return [Scale(s[y, x, 0]), Scale(s[y, x, 0]), Scale(s[y, x, 0]), 65535];
            case 2:
                return [Scale(s[y, x, 0]), Scale(s[y, x, 1]), Scale(s[y, x, 2]), 65535];
            case 3:
                int i = s[y, x, 0];
                ushort alpha = i < trns!.Length ? (ushort)(trns[i] * 257) : (ushort)65535;
                return [(ushort)(plte![i * 3] * 257), (ushort)(plte[(i * 3) + 1] * 257), (ushort)(plte[(i * 3) + 2] * 257), alpha];
            case 4:
                return [Scale(s[y, x, 0]), Scale(s[y, x, 0]), Scale(s[y, x, 0]), Scale(s[y, x, 1])];
            default:
                return [Scale(s[y, x, 0]), Scale(s[y, x, 1]), Scale(s[y, x, 2]), Scale(s[y, x, 3])];
        }
    }
}
