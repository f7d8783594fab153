using FaxPost.Imaging.Raster;

namespace FaxPost.Bench;

/// <summary>
/// The benchmark pages: PBM (P4) files rendered by Ghostscript at fax resolution (bench/codecs.sh
/// makes them from PDFs shipped in Debian packages), padded or cut to the A4 fax width of 1728.
/// </summary>
internal static class Corpus
{
    public const int FaxWidth = 1728;

    public static string Directory() =>
        Environment.GetEnvironmentVariable("FAXPOST_BENCH_CORPUS") is { Length: > 0 } path ? path
            : throw new InvalidOperationException("Set FAXPOST_BENCH_CORPUS to a folder of .pbm pages (bench/codecs.sh does).");

    public static IReadOnlyList<BilevelImage> Load(string directory)
    {
        var pages = new List<BilevelImage>();
        foreach (string file in System.IO.Directory.GetFiles(directory, "*.pbm").Order(StringComparer.Ordinal))
        {
            pages.Add(ReadPbm(File.ReadAllBytes(file)));
        }

        if (pages.Count == 0)
        {
            throw new InvalidOperationException($"No .pbm pages in {directory}.");
        }

        return pages;
    }

    private static BilevelImage ReadPbm(byte[] file)
    {
        int at = 0;
        string magic = Token(file, ref at);
        if (magic != "P4")
        {
            throw new InvalidDataException("not a raw PBM (P4)");
        }

        int width = int.Parse(Token(file, ref at), System.Globalization.CultureInfo.InvariantCulture);
        int height = int.Parse(Token(file, ref at), System.Globalization.CultureInfo.InvariantCulture);
        at++;
        int stride = (width + 7) / 8;
        var page = new BilevelImage(FaxWidth, height);
        int copy = Math.Min(stride, page.Stride);
        for (int y = 0; y < height; y++)
        {
            file.AsSpan(at + (y * stride), copy).CopyTo(page.Row(y));
            if (width < FaxWidth && (width & 7) != 0)
            {
                page.Row(y)[copy - 1] &= (byte)(0xFF << (8 - (width & 7)));
            }
        }

        return page;
    }

    private static string Token(byte[] file, ref int at)
    {
        while (true)
        {
            while (char.IsWhiteSpace((char)file[at]))
            {
                at++;
            }

            if (file[at] != '#')
            {
                break;
            }

            while (file[at] != '\n')
            {
                at++;
            }
        }

        int start = at;
        while (!char.IsWhiteSpace((char)file[at]))
        {
            at++;
        }

        return System.Text.Encoding.ASCII.GetString(file, start, at - start);
    }
}
