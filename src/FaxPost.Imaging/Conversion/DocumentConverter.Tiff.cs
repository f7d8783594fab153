using System.Runtime.CompilerServices;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Conversion;

public sealed partial class DocumentConverter
{
    // Replaced by the TIFF reader of the Tiff namespace once it is on main.
    private static async IAsyncEnumerable<BilevelImage> RenderTiffAsync(SourceDocument doc, ConversionOptions o, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        _ = o;
        ct.ThrowIfCancellationRequested();
        throw ConversionError.Create(doc.FileName, ConversionFailure.UnknownType, "TIFF input is not available yet");
#pragma warning disable CS0162 // unreachable: keeps the method an iterator
        yield break;
#pragma warning restore CS0162
    }
}
