using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Web.Tests.Infrastructure;

/// <summary>Real TIFF-F files (MMR pages written by the project's own writer) for faxes in tests.</summary>
internal static class TestTiff
{
    public static byte[] Pages(int count)
    {
        using var output = new MemoryStream();
        using (var writer = new TiffFaxWriter(output, TiffFaxWriterOptions.Default with { LeaveOpen = true }))
        {
            for (int i = 0; i < count; i++)
            {
                var page = new BilevelImage(1728, 400);
                for (int y = 100 + (i * 20); y < 140 + (i * 20); y++)
                {
                    for (int x = 200; x < 1500; x++)
                    {
                        page[x, y] = true;
                    }
                }

                writer.AppendPage(page);
            }

            writer.Complete();
        }

        return output.ToArray();
    }

    public static int PageCount(byte[] tiff) => TiffDocument.Read(tiff).Pages.Count;
}
