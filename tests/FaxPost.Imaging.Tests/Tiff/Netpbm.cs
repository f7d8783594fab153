using System.Text;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Tiff;

/// <summary>PBM/PGM/PPM (binary) files, the lingua franca of gs, poppler and netpbm output.</summary>
internal static class Netpbm
{
    public static byte[] WritePbm(BilevelImage image)
    {
        using var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes($"P4\n{image.Width} {image.Height}\n"));
        ms.Write(image.Pixels); // P4: rows of packed bits, 1 = black, like ours.
        return ms.ToArray();
    }

    public static byte[] WritePgm(GrayImage image)
    {
        using var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes($"P5\n{image.Width} {image.Height}\n255\n"));
        ms.Write(image.Pixels);
        return ms.ToArray();
    }

    public static byte[] WritePpm(int width, int height, byte[] rgb)
    {
        using var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes($"P6\n{width} {height}\n255\n"));
        ms.Write(rgb);
        return ms.ToArray();
    }

    public static BilevelImage ReadPbm(byte[] data)
    {
        int p = 0;
        string magic = Token(data, ref p);
        Assert.Equal("P4", magic);
        int w = int.Parse(Token(data, ref p)), h = int.Parse(Token(data, ref p));
        p++; // one whitespace byte after the header
        var image = new BilevelImage(w, h);
        data.AsSpan(p, image.Pixels.Length).CopyTo(image.Pixels);
        return image;
    }

    /// <summary>PGM (P5, 8-bit) or PBM (as 0/255) to grey.</summary>
    public static GrayImage ReadGray(byte[] data)
    {
        int p = 0;
        string magic = Token(data, ref p);
        if (magic == "P4")
        {
            BilevelImage b = ReadPbm(data);
            var g = new GrayImage(b.Width, b.Height);
            for (int y = 0; y < b.Height; y++)
            {
                for (int x = 0; x < b.Width; x++)
                {
                    g[x, y] = b[x, y] ? (byte)0 : (byte)255;
                }
            }

            return g;
        }

        Assert.Equal("P5", magic);
        int w = int.Parse(Token(data, ref p)), h = int.Parse(Token(data, ref p));
        int max = int.Parse(Token(data, ref p));
        Assert.Equal(255, max);
        p++;
        var image = new GrayImage(w, h);
        data.AsSpan(p, w * h).CopyTo(image.Pixels);
        return image;
    }

    private static string Token(byte[] data, ref int p)
    {
        while (true)
        {
            while (p < data.Length && char.IsWhiteSpace((char)data[p]))
            {
                p++;
            }

            if (p < data.Length && data[p] == '#')
            {
                while (p < data.Length && data[p] != '\n')
                {
                    p++;
                }

                continue;
            }

            break;
        }

        int start = p;
        while (p < data.Length && !char.IsWhiteSpace((char)data[p]))
        {
            p++;
        }

        return Encoding.ASCII.GetString(data, start, p - start);
    }
}
