using System.Buffers;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Codecs;

/// <summary>The row loops allocate nothing: a long page costs no more allocation than a short one.</summary>
public sealed class AllocationTests
{
    [Theory]
    [InlineData(FaxCompression.Mh)]
    [InlineData(FaxCompression.Mr)]
    [InlineData(FaxCompression.Mmr)]
    public void Encoding_and_decoding_rows_allocates_nothing(FaxCompression compression)
    {
        var options = TestPages.Options(compression);
        BilevelImage page = TestPages.TextLike(1728, 600, 51);

        // Warm up on the same page: lookup tables are built once per process, and every path of
        // the row loops has been run (and jitted, incl. on-stack replacement) before measuring.
        FaxPageCodec.Decode(FaxPageCodec.Encode(TestPages.TextLike(1728, 10, 52), options), 1728, options, out _);
        AllocatedWhileEncoding(page, options, rows: 600);
        AllocatedWhileDecoding(page, options, rows: 600);
        // Least of three runs: a one-off runtime event (a method tiering up mid-run) is not a per-row allocation.
        long encode = Enumerable.Range(0, 3).Min(_ => AllocatedWhileEncoding(page, options, rows: 600));
        long decode = Enumerable.Range(0, 3).Min(_ => AllocatedWhileDecoding(page, options, rows: 600));
        // The decoder may keep the unfinished tail of a push once (a few hundred bytes at most).
        Assert.True(encode == 0 && decode <= 1024, $"encode {encode} B, decode {decode} B");
    }

    private static long AllocatedWhileEncoding(BilevelImage page, FaxCodingOptions options, int rows)
    {
        var output = new ArrayBufferWriter<byte>(page.Pixels.Length * 4);
        FaxEncoder encoder = FaxEncoder.Create(page.Width, options);
        encoder.EncodeRow(page.Row(0), output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int y = 1; y < rows; y++)
        {
            encoder.EncodeRow(page.Row(y), output);
        }

        encoder.Finish(output);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static long AllocatedWhileDecoding(BilevelImage page, FaxCodingOptions options, int rows)
    {
        byte[] coded = FaxPageCodec.Encode(page, options);
        var sink = new CountingSink();
        FaxDecoder decoder = FaxDecoder.Create(page.Width, options);
        long before = GC.GetAllocatedBytesForCurrentThread();
        decoder.Push(coded, sink);
        decoder.Finish(sink);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(rows, sink.Rows);
        return allocated;
    }

    private sealed class CountingSink : IFaxRowSink
    {
        public int Rows { get; private set; }

        public void WriteRow(ReadOnlySpan<byte> row) => Rows++;
    }
}
