using System.Collections.Concurrent;
using FaxPost.Gateways.Mail;
using MimeKit;

namespace FaxPost.Gateways.Tests.Fixtures;

/// <summary>An <see cref="IMailSender"/> that keeps what it was given (for tests that need no SMTP server).</summary>
public sealed class RecordingMailSender : IMailSender
{
    public ConcurrentQueue<MimeMessage> Sent { get; } = new();

    public Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        Sent.Enqueue(message);
        return Task.CompletedTask;
    }

    public IReadOnlyList<MimeMessage> To(string address) =>
        Sent.Where(m => m.To.Mailboxes.Any(a => a.Address.Equals(address, StringComparison.OrdinalIgnoreCase))).ToList();

    public async Task<MimeMessage> WaitForAsync(string address, Func<MimeMessage, bool>? match = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = To(address).FirstOrDefault(m => match?.Invoke(m) ?? true);
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No mail to {address} (sent: {string.Join(", ", Sent.Select(m => m.To + " " + m.Subject))}).");
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>A fast stand-in for conversion in fuzz tests: real type detection, one page per document, no Ghostscript.</summary>
internal sealed class OnePageFactory : Core.Jobs.IFaxDocumentFactory
{
    public Imaging.Conversion.DocumentKind? Detect(ReadOnlySpan<byte> head, string fileName) => Imaging.Conversion.DocumentConverter.Detect(head, fileName);

    public async Task<Imaging.Conversion.ConversionResult> ConvertAsync(IReadOnlyList<Imaging.Conversion.SourceDocument> documents, Imaging.Conversion.ConversionOptions options, string outputPath, CancellationToken ct)
    {
        await File.WriteAllBytesAsync(outputPath, "II*\0"u8.ToArray(), ct);
        return new Imaging.Conversion.ConversionResult(documents.Count, documents.Select(d => new Imaging.Conversion.ConvertedDocument(d.FileName, Imaging.Conversion.DocumentKind.Pdf, 1)).ToList());
    }

    public Task<int> WithCoverPageAsync(Core.Jobs.CoverSheet cover, Imaging.Conversion.FaxResolution resolution, string bodyPath, string outputPath, CancellationToken ct) =>
        throw new NotSupportedException();
}
