using System.Buffers;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Codecs;

/// <summary>Whole-page convenience over <see cref="FaxEncoder"/> and <see cref="FaxDecoder"/>.</summary>
public static class FaxPageCodec
{
    public static byte[] Encode(BilevelImage page, FaxCodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(options);
        var output = new ArrayBufferWriter<byte>(Math.Max(256, page.Stride * page.Height / 8));
        FaxEncoder encoder = FaxEncoder.Create(page.Width, options);
        encoder.EncodePage(page, output);
        encoder.Finish(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one page; the image has as many rows as were decoded. Throws <see cref="FaxCodecException"/> on fatal errors.</summary>
    public static BilevelImage Decode(ReadOnlySpan<byte> data, int width, FaxCodingOptions options, out FaxDecodeStatistics statistics)
    {
        if (!TryDecode(data, width, options, out BilevelImage? page, out statistics, out string? error))
        {
            throw new FaxCodecException(error) { RowsDecoded = statistics.Rows };
        }

        return page;
    }

    /// <summary>
    /// Decodes one page without throwing for bad data. On failure <paramref name="page"/> holds the
    /// rows decoded before the error and <paramref name="error"/> says why. Invalid options still throw.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, int width, FaxCodingOptions options, out BilevelImage page, out FaxDecodeStatistics statistics, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        FaxDecoder decoder = FaxDecoder.Create(width, options);
        var sink = new BilevelImageSink(width, Math.Min(options.MaxRows, Math.Max(16, data.Length / 8)));
        decoder.Push(data, sink);
        FaxDecodeStatus status = decoder.Finish(sink);
        statistics = decoder.Statistics;
        page = sink.ToImage();
        error = status == FaxDecodeStatus.Failed ? decoder.Error ?? "fax data could not be decoded" : null;
        return error is null;
    }
}
