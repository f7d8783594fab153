using FaxPost.Imaging.Png;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tests.Tiff;

namespace FaxPost.Imaging.Tests.Png;

/// <summary>PNG files checked by netpbm's pngtopnm, an independent decoder.</summary>
public sealed class PngEncoderTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        // The CRC-32 check value for "123456789" (ISO 3309 / PNG Annex D).
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void Grey_png_decodes_to_the_same_pixels()
    {
        var image = new GrayImage(123, 45, 150, 150);
        var random = new Random(4);
        random.NextBytes(image.Pixels);
        for (int x = 0; x < 123; x++)
        {
            image[x, 10] = (byte)x; // a ramp that favours the Sub filter
            image[x, 11] = (byte)x; // and a repeat that favours Up
        }

        byte[] decoded = Decode(PngEncoder.Encode(image), out string info);

        Assert.Equal(image.Pixels, Netpbm.ReadGray(decoded).Pixels);
        Assert.Contains("123", info);
    }

    [Fact]
    public void One_bit_png_keeps_black_black()
    {
        BilevelImage page = TestPages.Create(203, 77, seed: 12);

        byte[] decoded = Decode(PngEncoder.Encode(page), out _);

        // pngtopnm turns a 1-bit grey PNG into PBM, whose 1 = black like ours.
        TestPages.AssertSamePixels(page, Netpbm.ReadPbm(decoded));
    }

    [Fact]
    public void Png_structure_has_signature_header_and_crc_checked_chunks()
    {
        byte[] png = PngEncoder.Encode(new GrayImage(3, 2, 204, 196));

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int p = 8;
        var types = new List<string>();
        while (p < png.Length)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(p));
            string type = System.Text.Encoding.ASCII.GetString(png, p + 4, 4);
            uint crc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(p + 8 + length));
            Assert.Equal(Crc32.Compute(png.AsSpan(p + 4, 4 + length)), crc);
            types.Add(type);
            p += 12 + length;
        }

        Assert.Equal(["IHDR", "pHYs", "IDAT", "IEND"], types);
    }

    internal static byte[] Decode(byte[] png, out string info)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("a.png"), png);
        ExternalTool.Result r = ExternalTool.Run("pngtopnm", "-verbose", dir.File("a.png"));
        info = r.Stderr;
        return r.Stdout;
    }
}
