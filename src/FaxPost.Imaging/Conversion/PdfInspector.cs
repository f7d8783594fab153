namespace FaxPost.Imaging.Conversion;

/// <summary>Cheap look into a PDF without parsing it.</summary>
internal static class PdfInspector
{
    private const int Window = 1024 * 1024;

    /// <summary>
    /// True when the trailer (PDF 1.7 §7.5.5, at the end; or the first-page trailer of a linearized
    /// file, near the start) refers to an /Encrypt dictionary.
    /// </summary>
    public static bool HasEncryptDictionary(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            byte[] buffer = new byte[(int)Math.Min(Window, file.Length)];
            file.ReadExactly(buffer);
            if (buffer.AsSpan().IndexOf("/Encrypt"u8) >= 0)
            {
                return true;
            }

            if (file.Length > Window)
            {
                file.Seek(-Window, SeekOrigin.End);
                file.ReadExactly(buffer);
                return buffer.AsSpan().IndexOf("/Encrypt"u8) >= 0;
            }

            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
