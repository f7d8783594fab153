using FaxPost.Fax.T30;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Telephony.T38;

/// <summary>
/// Collects the page being received, judges it (T.30 §5.3.6.2.9: MCF or RTN) and writes each confirmed
/// page to the TIFF-F at once, flushed to disk, so a call that drops keeps what was confirmed.
/// </summary>
internal sealed class T38PageSink : IAsyncDisposable
{
    private readonly TiffFaxWriter _writer;
    private readonly MemoryStream _page = new();
    private DcsFrame? _mode;
    private (BilevelImage Image, FaxDecodeStatistics Stats, bool Ok)? _decoded;
    private int _packets;
    private int _lostPackets;
    private int _lostRun;
    private int _longestLostRun;

    public T38PageSink(Stream output) =>
        _writer = new TiffFaxWriter(output, new TiffFaxWriterOptions { FlushToDisk = true });

    public int Pages => _writer.PageCount;

    public void Begin(DcsFrame mode)
    {
        _mode = mode;
        _page.SetLength(0);
        _decoded = null;
        _packets = _lostPackets = _lostRun = _longestLostRun = 0;
    }

    /// <summary>One packet's worth of page data.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _page.Write(data);
        _packets++;
        _lostRun = 0;
    }

    /// <summary>
    /// <paramref name="packets"/> UDPTL packets of this page were lost for good. Over T.38 a loss takes
    /// whole rows out of the page, which decoding alone cannot see (the rows around the gap are fine).
    /// </summary>
    public void NoteLost(int packets)
    {
        _lostPackets += packets;
        _lostRun += packets;
        _longestLostRun = Math.Max(_longestLostRun, _lostRun);
    }

    /// <summary>
    /// Decodes what came and says whether to confirm it: rows decoded, and at most one row in twenty
    /// repaired (a copy of the row before) or missing with no run of more than 32 such rows. Rows
    /// missing with lost packets are estimated from the rows per packet that did come.
    /// </summary>
    public bool Judge()
    {
        if (_mode is null || _page.Length == 0)
        {
            return false;
        }

        var ok = FaxPageCodec.TryDecode(_page.GetBuffer().AsSpan(0, (int)_page.Length), T30Geometry.ScanLinePixels(_mode), T30Geometry.ReceiveCoding(_mode), out var image, out var stats, out _);
        var rowsPerPacket = _packets == 0 ? 0 : (double)stats.Rows / _packets;
        var missing = (int)Math.Ceiling(_lostPackets * rowsPerPacket);
        var longestMissing = (int)Math.Ceiling(_longestLostRun * rowsPerPacket);
        var acceptable = image.Height > 0 && (stats.BadRows + missing) * 20 <= stats.Rows + missing && Math.Max(stats.LongestBadRun, longestMissing) <= 32;
        _decoded = (image, stats, ok);
        return acceptable;
    }

    /// <summary>Stores the confirmed page: as received when clean, else the repaired image re-coded.</summary>
    public async Task StoreAsync(CancellationToken ct)
    {
        if (_mode is null)
        {
            return;
        }

        if (_decoded is null)
        {
            Judge();
        }

        var (image, stats, ok) = _decoded!.Value;
        var resolution = T30Geometry.Resolution(_mode.Resolution);
        image.XDpi = resolution.XDpi;
        image.YDpi = resolution.YDpi;
        if (ok && stats.BadRows == 0)
        {
            await _writer.AppendEncodedPageAsync(
                new EncodedFaxPage
                {
                    Width = image.Width,
                    Height = image.Height,
                    XDpi = resolution.XDpi,
                    YDpi = resolution.YDpi,
                    Coding = T30Geometry.ReceiveCoding(_mode),
                    Data = _page.ToArray(),
                },
                ct).ConfigureAwait(false);
        }
        else
        {
            await _writer.AppendPageAsync(image, new FaxPageQuality(stats.BadRows, stats.LongestBadRun, Regenerated: true), ct).ConfigureAwait(false);
        }

        _mode = null;
        _decoded = null;
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _page.DisposeAsync().ConfigureAwait(false);
    }
}
