using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Codecs;

public sealed class RoundTripTests
{
    public static TheoryData<FaxCompression, int, bool, bool, bool> Schemes()
    {
        var data = new TheoryData<FaxCompression, int, bool, bool, bool>();
        foreach (bool lsb in new[] { false, true })
        {
            foreach (bool rtc in new[] { false, true })
            {
                data.Add(FaxCompression.Mh, 0, false, lsb, rtc);
                data.Add(FaxCompression.Mh, 0, true, lsb, rtc);
                data.Add(FaxCompression.Mr, 2, false, lsb, rtc);
                data.Add(FaxCompression.Mr, 4, true, lsb, rtc);
                data.Add(FaxCompression.Mr, 7, false, lsb, rtc);
                data.Add(FaxCompression.Mmr, 0, false, lsb, rtc);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Structured_pages_round_trip_at_fax_widths(FaxCompression compression, int k, bool aligned, bool lsb, bool rtc)
    {
        var options = TestPages.Options(compression, Math.Max(k, 1), aligned, lsb, rtc);
        foreach (int width in new[] { 1728, 2048, 2432 })
        {
            foreach ((string name, BilevelImage page) in TestPages.Structured(width, 40, width))
            {
                AssertRoundTrip(page, options, $"{name} {width}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Odd_widths_round_trip(FaxCompression compression, int k, bool aligned, bool lsb, bool rtc)
    {
        var options = TestPages.Options(compression, Math.Max(k, 1), aligned, lsb, rtc);
        foreach (int width in new[] { 1, 2, 7, 9, 63, 64, 65, 1000, 2561, 5200, 8192 })
        {
            foreach ((string name, BilevelImage page) in TestPages.Structured(width, 12, width + 3))
            {
                AssertRoundTrip(page, options, $"{name} {width}");
            }
        }
    }

    [Fact]
    public void Random_pages_round_trip_in_every_scheme()
    {
        var random = new Random(1234);
        for (int i = 0; i < 60; i++)
        {
            int width = 1 + random.Next(3000);
            int height = random.Next(30);
            var compression = (FaxCompression)(1 + (i % 3));
            var options = new FaxCodingOptions
            {
                Compression = compression,
                K = 1 + random.Next(9),
                ByteAlignedEol = random.Next(2) == 0,
                LsbFirst = random.Next(2) == 0,
                Rtc = random.Next(2) == 0,
                MinBitsPerRow = random.Next(3) == 0 ? random.Next(2000) : 0,
                OmitFirstEol = random.Next(4) == 0,
            };
            BilevelImage page = TestPages.Random(width, height, i, random.NextDouble());
            AssertRoundTrip(page, options, $"case {i}: {options}");
        }
    }

    [Theory]
    [InlineData(FaxCompression.Mh)]
    [InlineData(FaxCompression.Mmr)]
    public void Rows_without_eol_aligned_to_bytes_round_trip(FaxCompression compression)
    {
        var options = new FaxCodingOptions { Compression = compression, EolBeforeEachRow = false, ByteAlignRows = true };
        foreach ((string name, BilevelImage page) in TestPages.Structured(1728, 20, 5))
        {
            byte[] coded = FaxPageCodec.Encode(page, options);
            AssertRoundTrip(page, options, name);
            if (compression == FaxCompression.Mh)
            {
                // Without EOLs every row starts on a byte: the first row's first code is at bit 0 of byte 0.
                Assert.True(coded.Length >= page.Height);
            }
        }
    }

    [Fact]
    public void Min_bits_per_row_pads_each_row()
    {
        BilevelImage page = TestPages.White(1728, 10);
        byte[] plain = FaxPageCodec.Encode(page, new FaxCodingOptions { Compression = FaxCompression.Mh });
        byte[] padded = FaxPageCodec.Encode(page, new FaxCodingOptions { Compression = FaxCompression.Mh, MinBitsPerRow = 400 });
        Assert.Equal(((10 * (12 + 17)) + 7) / 8, plain.Length);
        Assert.Equal(((10 * (12 + 400)) + 7) / 8, padded.Length);
        AssertRoundTrip(page, new FaxCodingOptions { Compression = FaxCompression.Mh, MinBitsPerRow = 400 }, "padded");
    }

    [Fact]
    public void Empty_page_round_trips()
    {
        foreach (FaxCompression compression in Enum.GetValues<FaxCompression>())
        {
            AssertRoundTrip(TestPages.White(1728, 0), TestPages.Options(compression), compression.ToString());
        }
    }

    internal static void AssertRoundTrip(BilevelImage page, FaxCodingOptions options, string what)
    {
        byte[] coded = FaxPageCodec.Encode(page, options);
        BilevelImage decoded = FaxPageCodec.Decode(coded, page.Width, options, out FaxDecodeStatistics statistics);
        Assert.True(page.Height == decoded.Height, $"{what}: {decoded.Height} rows instead of {page.Height}");
        Assert.Equal(0, statistics.BadRows);
        Assert.Equal(page.Height, statistics.Rows);
        for (int y = 0; y < page.Height; y++)
        {
            Assert.True(TestPages.SameRow(page.Row(y), decoded.Row(y), page.Width), $"{what}: row {y} differs");
        }
    }
}
