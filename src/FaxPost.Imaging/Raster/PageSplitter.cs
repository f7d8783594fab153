namespace FaxPost.Imaging.Raster;

/// <summary>Cuts over-long pages (a long text roll, a tall web-page capture) into pages the receiver accepts.</summary>
public static class PageSplitter
{
    /// <summary>
    /// Splits <paramref name="page"/> into pieces of at most <see cref="FaxGeometry.MaxRows"/> rows.
    /// When <paramref name="lookBackRows"/> is positive, each cut moves up to that many rows earlier
    /// to the nearest all-white row, so a line of text is not cut through.
    /// </summary>
    public static IReadOnlyList<BilevelImage> Split(BilevelImage page, PageLengthLimit limit, int lookBackRows = 0)
    {
        ArgumentNullException.ThrowIfNull(page);
        int maxRows = FaxGeometry.MaxRows(limit, page.YDpi);
        if (page.Height <= maxRows)
        {
            return [page];
        }

        var pieces = new List<BilevelImage>();
        int start = 0;
        while (start < page.Height)
        {
            int end = Math.Min(page.Height, start + maxRows);
            if (end < page.Height && lookBackRows > 0)
            {
                int floor = Math.Max(start + 1, end - lookBackRows);
                for (int y = end; y >= floor; y--)
                {
                    if (PackedBits.IsBlank(page.Row(y)))
                    {
                        end = y;
                        break;
                    }
                }
            }

            var piece = new BilevelImage(page.Width, end - start, page.XDpi, page.YDpi);
            page.Pixels.AsSpan(start * page.Stride, (end - start) * page.Stride).CopyTo(piece.Pixels);
            pieces.Add(piece);
            start = end;
        }

        return pieces;
    }
}
