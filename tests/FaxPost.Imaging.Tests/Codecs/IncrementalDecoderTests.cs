using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Codecs;

public sealed class IncrementalDecoderTests
{
    public static TheoryData<FaxCompression, bool, bool> Schemes() => new()
    {
        { FaxCompression.Mh, false, false },
        { FaxCompression.Mh, true, true },
        { FaxCompression.Mr, false, true },
        { FaxCompression.Mr, true, false },
        { FaxCompression.Mmr, false, false },
        { FaxCompression.Mmr, false, true },
    };

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Every_split_into_two_pushes_decodes_the_same(FaxCompression compression, bool aligned, bool lsb)
    {
        BilevelImage page = TestPages.TextLike(700, 40, 21);
        var options = TestPages.Options(compression, 3, aligned, lsb);
        byte[] coded = FaxPageCodec.Encode(page, options);
        for (int split = 0; split <= coded.Length; split++)
        {
            BilevelImage decoded = DecodeInChunks(coded, page.Width, options, [split, coded.Length - split], out FaxDecodeStatistics statistics);
            Assert.Equal(0, statistics.BadRows);
            TestPages.AssertSamePixels(page, decoded);
        }
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Byte_by_byte_and_random_chunks_decode_the_same(FaxCompression compression, bool aligned, bool lsb)
    {
        var random = new Random(5);
        BilevelImage page = TestPages.TextLike(1728, 120, 22);
        var options = TestPages.Options(compression, 4, aligned, lsb);
        byte[] coded = FaxPageCodec.Encode(page, options);
        TestPages.AssertSamePixels(page, DecodeInChunks(coded, page.Width, options, Enumerable.Repeat(1, coded.Length), out _));
        for (int trial = 0; trial < 20; trial++)
        {
            var sizes = new List<int>();
            for (int left = coded.Length; left > 0;)
            {
                int size = Math.Min(left, random.Next(0, 200));
                sizes.Add(size);
                left -= size;
            }

            TestPages.AssertSamePixels(page, DecodeInChunks(coded, page.Width, options, sizes, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Every_prefix_decodes_to_a_prefix_of_the_page(FaxCompression compression, bool aligned, bool lsb)
    {
        BilevelImage page = TestPages.TextLike(300, 30, 23);
        var options = TestPages.Options(compression, 2, aligned, lsb);
        byte[] coded = FaxPageCodec.Encode(page, options);
        for (int length = 0; length <= coded.Length; length++)
        {
            var sink = new BilevelImageSink(page.Width);
            FaxDecoder decoder = FaxDecoder.Create(page.Width, options);
            decoder.Push(coded.AsSpan(0, length), sink);
            FaxDecodeStatus status = decoder.Finish(sink);
            FaxDecodeStatistics statistics = decoder.Statistics;

            // T.4 conceals a cut row as a bad row at the end; T.6 reports the cut as an error.
            Assert.True(status == FaxDecodeStatus.PageComplete || compression == FaxCompression.Mmr, decoder.Error);
            Assert.InRange(statistics.BadRows, 0, 1);
            BilevelImage decoded = sink.ToImage();
            for (int y = 0; y < decoded.Height - statistics.BadRows; y++)
            {
                Assert.True(TestPages.SameRow(page.Row(y), decoded.Row(y), page.Width), $"prefix {length}: row {y}");
            }
        }
    }

    [Fact]
    public void Rows_are_delivered_as_soon_as_they_are_complete()
    {
        BilevelImage page = TestPages.TextLike(1728, 50, 24);
        var options = TestPages.Options(FaxCompression.Mmr, rtc: false);
        byte[] coded = FaxPageCodec.Encode(page, options);
        var sink = new BilevelImageSink(page.Width);
        FaxDecoder decoder = FaxDecoder.Create(page.Width, options);
        int previous = 0;
        for (int i = 0; i < coded.Length; i += 64)
        {
            decoder.Push(coded.AsSpan(i, Math.Min(64, coded.Length - i)), sink);
            Assert.True(sink.Rows >= previous);
            previous = sink.Rows;
        }

        Assert.True(sink.Rows >= page.Height - 1);
        decoder.Finish(sink);
        Assert.Equal(page.Height, sink.Rows);
    }

    [Fact]
    public void Input_after_rtc_is_ignored()
    {
        BilevelImage page = TestPages.TextLike(1728, 20, 25);
        var options = TestPages.Options(FaxCompression.Mh);
        byte[] coded = [.. FaxPageCodec.Encode(page, options), .. new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }];
        BilevelImage decoded = FaxPageCodec.Decode(coded, page.Width, options, out FaxDecodeStatistics statistics);
        Assert.Equal(0, statistics.BadRows);
        TestPages.AssertSamePixels(page, decoded);
    }

    [Theory]
    [InlineData(FaxCompression.Mh)]
    [InlineData(FaxCompression.Mr)]
    [InlineData(FaxCompression.Mmr)]
    public void Coders_are_reused_page_after_page_with_reset(FaxCompression compression)
    {
        var options = TestPages.Options(compression, 3);
        BilevelImage[] pages = [TestPages.TextLike(1728, 50, 26), TestPages.Checkerboard(1728, 20), TestPages.Random(1728, 30, 27)];
        FaxEncoder encoder = FaxEncoder.Create(1728, options);
        FaxDecoder decoder = FaxDecoder.Create(1728, options);

        // A failed or half-fed page first: Reset must forget all of it.
        decoder.Push([0x00, 0x00, 0x01, 0xFF, 0x37], new BilevelImageSink(1728));
        foreach (BilevelImage page in pages)
        {
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            encoder.Reset();
            encoder.EncodePage(page, output);
            encoder.Finish(output);
            Assert.Equal(FaxPageCodec.Encode(page, options), output.WrittenSpan.ToArray());

            var sink = new BilevelImageSink(1728);
            decoder.Reset();
            decoder.Push(output.WrittenSpan, sink);
            Assert.Equal(FaxDecodeStatus.PageComplete, decoder.Finish(sink));
            Assert.Equal(new FaxDecodeStatistics(page.Height, 0, 0), decoder.Statistics);
            TestPages.AssertSamePixels(page, sink.ToImage());
        }
    }

    internal static BilevelImage DecodeInChunks(byte[] coded, int width, FaxCodingOptions options, IEnumerable<int> sizes, out FaxDecodeStatistics statistics)
    {
        var sink = new BilevelImageSink(width);
        FaxDecoder decoder = FaxDecoder.Create(width, options);
        int offset = 0;
        foreach (int size in sizes)
        {
            decoder.Push(coded.AsSpan(offset, size), sink);
            offset += size;
        }

        Assert.Equal(coded.Length, offset);
        FaxDecodeStatus status = decoder.Finish(sink);
        Assert.True(status == FaxDecodeStatus.PageComplete, decoder.Error);
        statistics = decoder.Statistics;
        return sink.ToImage();
    }
}
