using System.Text;
using FaxPost.Core.Jobs;
using FaxPost.Core.Tests.Fixtures;

namespace FaxPost.Core.Tests.Jobs;

/// <summary>
/// PDFs Ghostscript renders only after repairing them are accepted with a warning on the job; PDFs
/// it cannot render are refused; sound PDFs pass without a word.
/// </summary>
public sealed class PdfDamageCheckTests
{
    [Fact]
    public void A_sound_pdf_has_no_damage_with_a_table_or_a_cross_reference_stream_start()
    {
        Assert.False(PdfDamageCheck.TryFindDamage(new MemoryStream(TestPdf.Build(2)), out string damage), damage);
        Assert.False(PdfDamageCheck.TryFindDamage(new MemoryStream(TestPdf.Build(1, crlf: true)), out damage), damage);
        Assert.False(PdfDamageCheck.TryFindDamage(new MemoryStream(TestPdf.Build(1, junkAfterEof: true)), out damage), damage);
    }

    [Theory]
    [InlineData("offset", "startxref offset is invalid")]
    [InlineData("beyond", "startxref offset is invalid")]
    [InlineData("table", "cross-reference table is damaged")]
    [InlineData("cut", "no startxref")]
    [InlineData("noeof", "no %%EOF")]
    public void Damage_is_named(string how, string expected)
    {
        Assert.True(PdfDamageCheck.TryFindDamage(new MemoryStream(TestPdf.Damaged(how)), out string damage));
        Assert.Contains(expected, damage, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_prefix_of_a_pdf_is_judged_without_throwing_and_only_the_whole_file_is_sound()
    {
        byte[] pdf = TestPdf.Build(1);
        for (int n = 0; n < pdf.Length - 1; n++) // all but the newline after %%EOF, which may be missing
        {
            Assert.True(PdfDamageCheck.TryFindDamage(new MemoryStream(pdf, 0, n), out _), $"prefix of {n} bytes");
        }

        Assert.False(PdfDamageCheck.TryFindDamage(new MemoryStream(pdf), out _));
    }

    [Fact]
    public void Mutated_pdfs_never_throw()
    {
        var random = new Random(6);
        byte[] pdf = TestPdf.Build(3);
        for (int i = 0; i < 100_000; i++)
        {
            byte[] mutated = (byte[])pdf.Clone();
            int changes = 1 + random.Next(4);
            for (int c = 0; c < changes; c++)
            {
                int at = random.Next(mutated.Length);
                mutated[at] = random.Next(3) switch
                {
                    0 => (byte)random.Next(256),
                    1 => (byte)"0123456789 \n%"[random.Next(13)],
                    _ => (byte)(mutated[at] ^ (1 << random.Next(8))),
                };
            }

            int length = random.Next(8) == 0 ? random.Next(mutated.Length) : mutated.Length;
            PdfDamageCheck.TryFindDamage(new MemoryStream(mutated, 0, length), out _);
        }
    }

    [Fact]
    public async Task A_repaired_pdf_is_queued_with_a_warning_and_a_hopeless_one_is_refused()
    {
        await using var office = await PostOffice.StartAsync();
        office.RunConversion();
        var alice = await office.UserAsync("alice", "10");
        var jobs = office.Get<JobService>();

        var sound = Assert.Single(await jobs.SubmitAsync(alice, Request("sound.pdf", TestPdf.Build(2)), CancellationToken.None));
        Assert.Equal(2, sound.PageCount);
        Assert.DoesNotContain(await office.Store.Jobs.EventsAsync(sound.Id, CancellationToken.None), e => e.Message.Contains("warning", StringComparison.Ordinal));

        var repaired = Assert.Single(await jobs.SubmitAsync(alice, Request("scan.pdf", TestPdf.Damaged("offset")), CancellationToken.None));
        Assert.Equal(JobState.Queued, repaired.State);
        Assert.Equal(2, repaired.PageCount);
        var queued = (await office.Store.Jobs.EventsAsync(repaired.Id, CancellationToken.None)).Last();
        Assert.Contains("warning: scan.pdf is damaged (its startxref offset is invalid); the converter repaired it", queued.Message, StringComparison.Ordinal);

        var hopeless = await Assert.ThrowsAsync<Imaging.Conversion.DocumentConversionException>(() =>
            jobs.SubmitAsync(alice, Request("ruin.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF\n")), CancellationToken.None));
        Assert.Contains("ruin.pdf", hopeless.Message, StringComparison.Ordinal);
    }

    private static SubmitRequest Request(string name, byte[] pdf) => new()
    {
        Recipients = [new RecipientSpec("030 1234567")],
        Documents = [new UploadedDocument(name, new MemoryStream(pdf))],
    };
}

/// <summary>Small PDFs written here (one square per page), with a correct cross-reference table, and damaged variants.</summary>
internal static class TestPdf
{
    public static byte[] Build(int pages, bool crlf = false, bool junkAfterEof = false)
    {
        string nl = crlf ? "\r\n" : "\n";
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [" + string.Join(" ", Enumerable.Range(0, pages).Select(p => $"{3 + (2 * p)} 0 R")) + $"] /Count {pages} >>",
        };
        for (int p = 0; p < pages; p++)
        {
            string content = $"0 0 0 rg {100 + (p * 50)} 400 200 200 re f";
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + (2 * p)} 0 R >>");
            objects.Add($"<< /Length {content.Length} >>{nl}stream{nl}{content}{nl}endstream");
        }

        var pdf = new StringBuilder("%PDF-1.4" + nl);
        var offsets = new List<int>();
        for (int i = 0; i < objects.Count; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(pdf.ToString()));
            pdf.Append($"{i + 1} 0 obj{nl}{objects[i]}{nl}endobj{nl}");
        }

        int xref = Encoding.ASCII.GetByteCount(pdf.ToString());
        string eol = crlf ? "\r\n" : " \n"; // §7.5.4: every entry is exactly 20 bytes
        pdf.Append($"xref{nl}0 {objects.Count + 1}{nl}0000000000 65535 f{eol}");
        foreach (int offset in offsets)
        {
            pdf.Append($"{offset:D10} 00000 n{eol}");
        }

        pdf.Append($"trailer{nl}<< /Size {objects.Count + 1} /Root 1 0 R >>{nl}startxref{nl}{xref}{nl}%%EOF{nl}");
        if (junkAfterEof)
        {
            pdf.Append("\0\0garbage from a mail program\n");
        }

        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    /// <summary>A two-page PDF broken as named.</summary>
    public static byte[] Damaged(string how)
    {
        string pdf = Encoding.ASCII.GetString(Build(2));
        int startxref = pdf.LastIndexOf("startxref", StringComparison.Ordinal);
        int xref = pdf.LastIndexOf("xref\n0 ", StringComparison.Ordinal);
        return Encoding.ASCII.GetBytes(how switch
        {
            "offset" => pdf[..startxref] + "startxref\n12\n%%EOF\n",
            "beyond" => pdf[..startxref] + "startxref\n999999\n%%EOF\n",
            "table" => pdf[..xref] + ShiftFirstEntry(pdf[xref..]),
            "cut" => pdf[..xref],
            "noeof" => pdf[..pdf.LastIndexOf("%%EOF", StringComparison.Ordinal)],
            _ => throw new ArgumentOutOfRangeException(nameof(how)),
        });
    }

    // Object 1's entry points 3 bytes off: the table no longer matches the file.
    private static string ShiftFirstEntry(string table)
    {
        int entry = table.IndexOf(" 00000 n", StringComparison.Ordinal) - 10;
        long offset = long.Parse(table.AsSpan(entry, 10), System.Globalization.CultureInfo.InvariantCulture);
        return table[..entry] + (offset + 3).ToString("D10", System.Globalization.CultureInfo.InvariantCulture) + table[(entry + 10)..];
    }
}
