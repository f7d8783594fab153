using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Codecs;

public sealed class ErrorToleranceTests
{
    [Theory]
    [InlineData(FaxCompression.Mh, 1, false)]
    [InlineData(FaxCompression.Mh, 1, true)]
    [InlineData(FaxCompression.Mr, 2, false)]
    [InlineData(FaxCompression.Mr, 4, true)]
    public void A_flipped_bit_costs_a_few_rows_and_keeps_the_row_count(FaxCompression compression, int k, bool aligned)
    {
        BilevelImage page = TestPages.TextLike(1728, 100, 31);
        var options = TestPages.Options(compression, k, aligned, rtc: true);
        byte[] coded = FaxPageCodec.Encode(page, options);
        int eols = CountEols(coded);
        var random = new Random(32);
        int trials = 0;
        int detected = 0;
        while (trials < 300)
        {
            byte[] damaged = (byte[])coded.Clone();
            int bit = random.Next(damaged.Length * 8);
            damaged[bit >> 3] ^= (byte)(0x80 >> (bit & 7));

            // A flip that makes or breaks an EOL changes the row structure itself; skip those.
            if (CountEols(damaged) != eols)
            {
                continue;
            }

            trials++;
            BilevelImage decoded = FaxPageCodec.Decode(damaged, page.Width, options, out FaxDecodeStatistics statistics);
            Assert.Equal(page.Height, decoded.Height);
            Assert.Equal(page.Height, statistics.Rows);
            int differing = Enumerable.Range(0, page.Height).Count(y => !TestPages.SameRow(page.Row(y), decoded.Row(y), page.Width));
            Assert.InRange(differing, 0, k + 1);
            Assert.InRange(statistics.LongestBadRun, statistics.BadRows > 0 ? 1 : 0, k + 1);
            if (statistics.BadRows > 0)
            {
                detected++;
            }
        }

        Assert.True(detected > trials * 8 / 10, $"only {detected} of {trials} flips detected");
    }

    [Fact]
    public void Bad_rows_are_copies_of_the_previous_row_and_runs_are_counted()
    {
        // Rows 10..12 of an MH page are replaced by garbage between their EOLs.
        BilevelImage page = TestPages.TextLike(1728, 30, 33);
        var options = TestPages.Options(FaxCompression.Mh, aligned: true);
        byte[] coded = FaxPageCodec.Encode(page, options);
        List<int> eolEnds = EolEndBits(coded);
        for (int row = 10; row <= 12; row++)
        {
            int start = eolEnds[row] / 8;
            coded[start] = 0xFF;
            coded[start + 1] = 0xFF;
        }

        BilevelImage decoded = FaxPageCodec.Decode(coded, page.Width, options, out FaxDecodeStatistics statistics);
        Assert.Equal(new FaxDecodeStatistics(30, 3, 3), statistics);
        for (int row = 10; row <= 12; row++)
        {
            Assert.True(decoded.Row(row).SequenceEqual(decoded.Row(9)));
        }

        Assert.True(TestPages.SameRow(page.Row(13), decoded.Row(13), page.Width));
    }

    [Fact]
    public void A_bad_first_row_is_white()
    {
        BilevelImage page = TestPages.Black(64, 3);
        var options = TestPages.Options(FaxCompression.Mh, aligned: true);
        byte[] coded = FaxPageCodec.Encode(page, options);
        coded[2] = 0xFF;
        BilevelImage decoded = FaxPageCodec.Decode(coded, page.Width, options, out FaxDecodeStatistics statistics);
        Assert.Equal(1, statistics.BadRows);
        Assert.All(decoded.Row(0).ToArray(), b => Assert.Equal(0, b));
        Assert.True(TestPages.SameRow(page.Row(1), decoded.Row(1), 64));
    }

    [Theory]
    [InlineData(FaxCompression.Mh)]
    [InlineData(FaxCompression.Mr)]
    public void Truncated_t4_data_gives_the_rows_received(FaxCompression compression)
    {
        BilevelImage page = TestPages.TextLike(1728, 80, 34);
        var options = TestPages.Options(compression);
        byte[] coded = FaxPageCodec.Encode(page, options);
        BilevelImage decoded = FaxPageCodec.Decode(coded.AsSpan(0, coded.Length / 2), page.Width, options, out FaxDecodeStatistics statistics);
        Assert.InRange(decoded.Height, 20, 79);
        Assert.InRange(statistics.BadRows, 0, 1);
    }

    [Fact]
    public void Truncated_mmr_data_is_reported()
    {
        BilevelImage page = TestPages.TextLike(1728, 80, 35);
        var options = TestPages.Options(FaxCompression.Mmr);
        byte[] coded = FaxPageCodec.Encode(page, options);
        FaxCodecException error = Assert.Throws<FaxCodecException>(() => FaxPageCodec.Decode(coded.AsSpan(0, coded.Length / 2), page.Width, options, out _));
        Assert.InRange(error.RowsDecoded, 20, 79);
        Assert.False(FaxPageCodec.TryDecode(coded.AsSpan(0, coded.Length / 2), page.Width, options, out BilevelImage partial, out _, out string? reason));
        Assert.Equal(error.RowsDecoded, partial.Height);
        Assert.NotNull(reason);
    }

    [Fact]
    public void Garbage_never_escapes_as_anything_but_our_exception()
    {
        var random = new Random(36);
        for (int i = 0; i < 300; i++)
        {
            byte[] garbage = new byte[random.Next(1, 3000)];
            random.NextBytes(garbage);
            foreach (FaxCompression compression in Enum.GetValues<FaxCompression>())
            {
                var options = TestPages.Options(compression);
                try
                {
                    BilevelImage decoded = FaxPageCodec.Decode(garbage, 1728, options, out FaxDecodeStatistics statistics);
                    Assert.Equal(decoded.Height, statistics.Rows);
                    Assert.NotEqual(FaxCompression.Mmr, compression);
                }
                catch (FaxCodecException)
                {
                }
            }
        }
    }

    [Fact]
    public void Pages_longer_than_the_limit_are_refused()
    {
        BilevelImage page = TestPages.White(1728, 200);
        foreach (FaxCompression compression in Enum.GetValues<FaxCompression>())
        {
            var options = TestPages.Options(compression) with { MaxRows = 100 };
            byte[] coded = FaxPageCodec.Encode(page, options);
            FaxCodecException error = Assert.Throws<FaxCodecException>(() => FaxPageCodec.Decode(coded, 1728, options, out _));
            Assert.Equal(100, error.RowsDecoded);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(100_000)]
    public void Absurd_widths_are_refused(int width)
    {
        Assert.Throws<FaxCodecException>(() => FaxPageCodec.Decode([0, 1], width, new FaxCodingOptions(), out _));
        Assert.Throws<FaxCodecException>(() => FaxDecoder.Create(width, new FaxCodingOptions { Compression = FaxCompression.Mh }));
        Assert.Throws<FaxCodecException>(() => FaxEncoder.Create(width, new FaxCodingOptions()));
    }

    [Fact]
    public void Mr_without_eols_is_refused()
    {
        Assert.Throws<FaxCodecException>(() => FaxEncoder.Create(1728, new FaxCodingOptions { Compression = FaxCompression.Mr, EolBeforeEachRow = false }));
    }

    /// <summary>Counts "eleven or more zeros then a one" — in valid data only EOLs look like that.</summary>
    private static int CountEols(byte[] data) => EolEndBits(data).Count;

    private static List<int> EolEndBits(byte[] data)
    {
        var ends = new List<int>();
        int zeros = 0;
        for (int i = 0; i < data.Length * 8; i++)
        {
            if ((data[i >> 3] & (0x80 >> (i & 7))) == 0)
            {
                zeros++;
                continue;
            }

            if (zeros >= 11)
            {
                ends.Add(i + 1);
            }

            zeros = 0;
        }

        return ends;
    }
}
