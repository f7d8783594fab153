using System.CommandLine;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Conversion;
using FaxPost.Imaging.Pdf;
using FaxPost.Imaging.Png;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Cli.Server;

/// <summary>
/// <c>faxpost convert</c>: documents to fax pages offline, no server needed (like HylaFAX's ps2fax
/// and tiff2pdf). The output's extension picks the format: .tif (TIFF-F, MH/MR/MMR), .pdf
/// (fax TIFF pages wrapped without re-coding), .png (one page, optionally scaled down).
/// </summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("files") { Description = "PDF, PostScript, TIFF, PNG, JPEG or text files, in order", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Output file: .tif, .pdf or .png", Required = true };
        var compression = new Option<string>("--compression") { Description = "mh, mr or mmr (TIFF output)", DefaultValueFactory = _ => "mmr" };
        var resolution = new Option<string>("--resolution", "-r") { Description = "standard, fine or superfine", DefaultValueFactory = _ => "fine" };
        var paper = new Option<string>("--paper") { Description = "a4, letter or legal", DefaultValueFactory = _ => "a4" };
        var width = new Option<int>("--width") { Description = "Page width in pixels: 1728 (A4), 2048 (B4) or 2432 (A3)", DefaultValueFactory = _ => 1728 };
        var page = new Option<int>("--page") { Description = "Page to write as PNG (1-based)", DefaultValueFactory = _ => 1 };
        var pngWidth = new Option<int?>("--png-width") { Description = "Scale the PNG down to this width (a thumbnail)" };
        var maxPages = new Option<int>("--max-pages") { DefaultValueFactory = _ => 500 };
        var command = new Command("convert", "Convert documents to fax pages (TIFF-F), or fax pages to PDF/PNG, without a server.")
        {
            inputs, output, compression, resolution, paper, width, page, pngWidth, maxPages,
        };
        command.SetAction(async (r, ct) =>
        {
            try
            {
                return await RunAsync(
                    r.GetValue(inputs)!, r.GetValue(output)!, r.GetValue(compression)!, r.GetValue(resolution)!, r.GetValue(paper)!,
                    r.GetValue(width), r.GetValue(page), r.GetValue(pngWidth), r.GetValue(maxPages), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DocumentConversionException or TiffFormatException or FaxCodecException or ArgumentException or IOException)
            {
                Console.Error.WriteLine("faxpost convert: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(string[] inputs, string output, string compressionName, string resolutionName, string paperName, int width, int pageNumber, int? pngWidth, int maxPages, CancellationToken ct)
    {
        var compression = compressionName.ToLowerInvariant() switch
        {
            "mh" => FaxCompression.Mh,
            "mr" => FaxCompression.Mr,
            "mmr" => FaxCompression.Mmr,
            _ => throw new ArgumentException($"--compression is mh, mr or mmr, not '{compressionName}'."),
        };
        var resolution = resolutionName.ToLowerInvariant() switch
        {
            "standard" => FaxResolution.Standard,
            "fine" => FaxResolution.Fine,
            "superfine" => FaxResolution.Superfine,
            _ => throw new ArgumentException($"--resolution is standard, fine or superfine, not '{resolutionName}'."),
        };
        var paper = paperName.ToLowerInvariant() switch
        {
            "a4" => PaperSize.A4,
            "letter" => PaperSize.Letter,
            "legal" => PaperSize.Legal,
            _ => throw new ArgumentException($"--paper is a4, letter or legal, not '{paperName}'."),
        };
        if (width is not (1728 or 2048 or 2432))
        {
            throw new ArgumentException("--width is 1728, 2048 or 2432.");
        }

        foreach (string input in inputs)
        {
            if (!File.Exists(input))
            {
                throw new ArgumentException($"'{input}' does not exist.");
            }
        }

        string extension = Path.GetExtension(output).ToLowerInvariant();

        // A fax TIFF to PDF: the coded pages are wrapped as they are (milliseconds, no re-coding).
        if (extension == ".pdf" && inputs.Length == 1 && IsTiff(inputs[0]))
        {
            byte[] tiff = await File.ReadAllBytesAsync(inputs[0], ct).ConfigureAwait(false);
            await using var pdf = File.Create(output);
            FaxPdfWriter.WriteTiff(tiff, pdf);
            Console.WriteLine($"{output}: {TiffDocument.Read(tiff).Pages.Count} page(s)");
            return 0;
        }

        if (extension is not (".tif" or ".tiff" or ".pdf" or ".png"))
        {
            throw new ArgumentException($"the output must end in .tif, .pdf or .png, not '{extension}'.");
        }

        var converter = new DocumentConverter(new ConverterSettings());
        var options = new ConversionOptions { Resolution = resolution, Paper = paper, MaxPages = maxPages };
        var coding = new FaxCodingOptions { Compression = extension == ".pdf" ? FaxCompression.Mmr : compression, K = resolution == FaxResolution.Standard ? 2 : 4 };

        // Pages are encoded as Ghostscript delivers them, so rendering (its process) and coding (ours) overlap.
        using var buffer = new MemoryStream();
        string temporary = output + ".part";
        int rendered = 0;
        try
        {
            await using (Stream target = extension == ".pdf" ? buffer : File.Create(temporary))
            await using (var writer = new TiffFaxWriter(target, new TiffFaxWriterOptions { Coding = coding, LeaveOpen = true }))
            {
                foreach (string input in inputs)
                {
                    await foreach (var image in converter.RenderAsync(new SourceDocument(Path.GetFileName(input), Path.GetFullPath(input)), options with { MaxPages = maxPages - rendered }, ct).ConfigureAwait(false))
                    {
                        rendered++;
                        var fitted = image.Width == width ? image : BilevelScaler.ToWidth(image, width, WidthAdjustment.Scale);
                        if (extension == ".png")
                        {
                            if (rendered == pageNumber)
                            {
                                await File.WriteAllBytesAsync(output, pngWidth is { } w ? FaxThumbnail.RenderPng(fitted, w) : PngEncoder.Encode(fitted), ct).ConfigureAwait(false);
                                Console.WriteLine($"{output}: page {pageNumber}");
                                return 0;
                            }

                            continue;
                        }

                        await writer.AppendPageAsync(fitted, cancellationToken: ct).ConfigureAwait(false);
                    }
                }

                writer.Complete();
            }

            if (extension == ".png")
            {
                throw new ArgumentException($"the documents have only {rendered} page(s), not {pageNumber}.");
            }

            if (extension == ".pdf")
            {
                await using var pdf = File.Create(output);
                FaxPdfWriter.WriteTiff(buffer.ToArray(), pdf);
            }
            else
            {
                File.Move(temporary, output, overwrite: true);
            }
        }
        finally
        {
            File.Delete(temporary);
        }

        Console.WriteLine($"{output}: {rendered} page(s), {width} px wide, {resolutionName}, {(extension == ".pdf" ? "mmr" : compressionName.ToLowerInvariant())}");
        return 0;
    }

    private static bool IsTiff(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.Read(head) == 4 && ((head[0] == 'I' && head[1] == 'I' && head[2] == 42) || (head[0] == 'M' && head[1] == 'M' && head[3] == 42));
    }
}
