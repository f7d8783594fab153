using FaxPost.Fax.T30;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Telephony.T38;

/// <summary>
/// The pages of a TIFF-F, re-coded for the mode the DCS chose: resolution, width and length adapted
/// to the far end (<see cref="FaxPageAdapter"/>), then coded as MH, MR or MMR. A page longer than the
/// far end takes becomes several pages, so the count sent can exceed the count stored.
/// </summary>
internal sealed class T38PageSource
{
    private readonly TiffDocument _document;
    private readonly int _end;
    private readonly Queue<BilevelImage> _pending = new();
    private readonly List<bool> _endsSourcePage = [];
    private int _next;

    public T38PageSource(TiffDocument document, int firstPage, int pageCount)
    {
        _document = document;
        if (document.Pages.Count == 0)
        {
            throw new TiffFormatException("the document has no pages");
        }

        if (firstPage < 0 || firstPage >= document.Pages.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(firstPage), firstPage, $"the document has {document.Pages.Count} pages");
        }

        _next = firstPage;
        _end = Math.Min(document.Pages.Count, firstPage + Math.Max(1, pageCount));
        var first = document.Pages[firstPage];
        Resolution = T30Geometry.Nearest(first.YDpi);
        Width = T30Geometry.WidthOf(first.Width, first.XDpi);
    }

    /// <summary>The resolution of the document's first page to send, as T.30 names it.</summary>
    public T30Resolution Resolution { get; }

    public T30PageWidth Width { get; }

    /// <summary>Source pages used so far.</summary>
    public int SourcePagesUsed { get; private set; }

    /// <summary>Codes the next page for <paramref name="mode"/>; <c>More</c> says whether another follows.</summary>
    public (byte[] Coded, bool More) Next(DcsFrame mode)
    {
        if (_pending.Count == 0)
        {
            if (_next >= _end)
            {
                throw new InvalidOperationException("no more pages to send");
            }

            var page = _document.Pages[_next++];
            SourcePagesUsed++;
            var image = page.DecodeBilevel();
            foreach (var piece in FaxPageAdapter.Adapt(image, T30Geometry.Resolution(mode.Resolution), T30Geometry.Width(mode.Width), T30Geometry.Length(mode.Length)))
            {
                _pending.Enqueue(piece);
            }
        }

        var coded = FaxPageCodec.Encode(_pending.Dequeue(), T30Geometry.SendCoding(mode));
        _endsSourcePage.Add(_pending.Count == 0);
        return (coded, _pending.Count > 0 || _next < _end);
    }

    /// <summary>
    /// Source pages wholly confirmed once the first <paramref name="sentPages"/> pages sent are: a page
    /// split for a shorter receiver counts when its last piece is confirmed.
    /// </summary>
    public int SourcePagesDone(int sentPages)
    {
        var done = 0;
        for (var i = 0; i < sentPages && i < _endsSourcePage.Count; i++)
        {
            if (_endsSourcePage[i])
            {
                done++;
            }
        }

        return done;
    }
}
