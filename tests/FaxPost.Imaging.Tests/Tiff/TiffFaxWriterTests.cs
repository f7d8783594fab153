using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Imaging.Tests.Tiff;

/// <summary>TIFF Class F files we write, checked with libtiff's tiffinfo, tiffcp and tiffcmp.</summary>
public sealed class TiffFaxWriterTests
{
    private static readonly TiffFaxWriterOptions Options = new() { Clock = new FixedClock(new DateTimeOffset(2026, 11, 23, 12, 34, 56, TimeSpan.Zero)) };

    [Theory]
    [InlineData("g3", false)]
    [InlineData("g3:2d", false)]
    [InlineData("g3:fill", false)]
    [InlineData("g3:2d:fill", true)]
    [InlineData("g4", false)]
    [InlineData("g4", true)]
    public void Encoded_pages_are_stored_as_tiffinfo_and_tiffcp_read_them(string coding, bool lsbFirst)
    {
        using var dir = new TempDir();
        BilevelImage[] pages = [TestPages.Create(1728, 120, 1, 204, 98), TestPages.Create(1728, 200, 2, 204, 196), TestPages.Create(2432, 90, 3, 300, 300)];
        string ours = dir.File("ours.tif");
        using (var writer = new TiffFaxWriter(File.Create(ours), Options))
        {
            foreach (BilevelImage page in pages)
            {
                writer.AppendEncodedPage(FaxStrips.Encode(page, coding, lsbFirst) with { Quality = new FaxPageQuality(3, 2, false) });
            }
        }

        ExternalTool.Result info = ExternalTool.Run("tiffinfo", ours);
        Assert.Equal("", info.Stderr.Trim());
        Assert.DoesNotContain("Warning", info.Text);
        Assert.Contains("Software: FaxPost", info.Text);
        Assert.Contains("DateTime: 2026:11:23", info.Text);
        Assert.Contains("Page Number: 2-3", info.Text);
        Assert.Contains("Bad Fax Lines: 3", info.Text);
        Assert.Contains("Consecutive Bad Fax Lines: 2", info.Text);
        Assert.Contains(lsbFirst ? "FillOrder: lsb-to-msb" : "FillOrder: msb-to-lsb", info.Text);
        Assert.Contains("Photometric Interpretation: min-is-white", info.Text);

        List<BilevelImage> decoded = FaxStrips.DecodeWithLibtiff(dir, ours);
        Assert.Equal(pages.Length, decoded.Count);
        for (int i = 0; i < pages.Length; i++)
        {
            TestPages.AssertSamePixels(pages[i], decoded[i]);
            Assert.Equal(pages[i].XDpi, decoded[i].XDpi, 3);
            Assert.Equal(pages[i].YDpi, decoded[i].YDpi, 3);
        }

        // tiffcmp compares the decoded scanlines of our file with libtiff's own coding of the same page.
        string reference = FaxStrips.MakeFaxTiff(dir, pages[0], coding, lsbFirst, name: "ref");
        string firstPage = dir.File("first.tif");
        ExternalTool.Run("tiffcp", ours + ",0", firstPage);
        // libtiff leaves out T4Options/T6Options when they are 0; Class F wants them written.
        string[] zeroOptions = coding switch { "g3" => ["292"], "g4" => ["293"], _ => [] };
        foreach (string tag in new[] { "254", "269", "270", "297", "305", "306", "326", "327", "328" }.Concat(zeroOptions))
        {
            // tiffcmp stops at the first tag that differs; drop the ones that rightly do (names, page, software, date, fax quality).
            ExternalTool.Run("tiffset", "-u", tag, firstPage);
            ExternalTool.Run("tiffset", "-u", tag, reference);
        }

        ExternalTool.Result cmp = ExternalTool.Run("tiffcmp", [firstPage, reference], check: false);
        Assert.True(cmp.ExitCode == 0 && cmp.Text.Length == 0, "tiffcmp: " + cmp.Text + cmp.Stderr);
    }

    [Theory]
    [InlineData(FaxCompression.Mh, false, false)]
    [InlineData(FaxCompression.Mr, true, false)]
    [InlineData(FaxCompression.Mr, false, true)]
    [InlineData(FaxCompression.Mmr, false, false)]
    [InlineData(FaxCompression.Mmr, false, true)]
    public async Task Pages_coded_by_our_codec_read_back_in_libtiff_and_in_our_reader(FaxCompression compression, bool byteAligned, bool lsbFirst)
    {
        using var dir = new TempDir();
        BilevelImage[] pages = [TestPages.Create(1728, 250, 71, 204, 98), TestPages.Create(1728, 400, 72, 204, 196), TestPages.Create(1728, 90, 73, 204, 391)];
        string path = dir.File("ours.tif");
        var options = Options with { Coding = new FaxCodingOptions { Compression = compression, ByteAlignedEol = byteAligned, LsbFirst = lsbFirst, K = 4 } };
        await using (var writer = new TiffFaxWriter(File.Create(path), options))
        {
            foreach (BilevelImage page in pages)
            {
                await writer.AppendPageAsync(page);
            }
        }

        Assert.Equal("", ExternalTool.Run("tiffinfo", path).Stderr.Trim());
        List<BilevelImage> viaLibtiff = FaxStrips.DecodeWithLibtiff(dir, path);
        TiffDocument doc = TiffDocument.Read(File.ReadAllBytes(path));
        for (int i = 0; i < pages.Length; i++)
        {
            TestPages.AssertSamePixels(pages[i], viaLibtiff[i]);
            TestPages.AssertSamePixels(pages[i], doc.Pages[i].DecodeBilevel());
            Assert.Equal(pages[i].YDpi, doc.Pages[i].YDpi, 3);
            Assert.Equal(3, doc.Pages[i].PageCount);
        }
    }

    [Fact]
    public void The_reader_sees_the_tags_the_writer_wrote()
    {
        BilevelImage page = TestPages.Create(1728, 64, 5, 204, 391);
        EncodedFaxPage encoded = FaxStrips.Encode(page, "g3:2d:fill");
        using var ms = new MemoryStream();
        using (var writer = new TiffFaxWriter(ms, Options with { LeaveOpen = true }))
        {
            writer.AppendEncodedPage(encoded);
            writer.AppendEncodedPage(encoded with { Quality = new FaxPageQuality(0, 0, false) });
        }

        TiffDocument doc = TiffDocument.Read(ms.ToArray());

        Assert.Equal(2, doc.Pages.Count);
        TiffPage p = doc.Pages[1];
        Assert.Equal(TiffCompression.CcittT4, p.Compression);
        Assert.Equal(5u, p.T4Options);
        Assert.Equal(1, p.PageNumber);
        Assert.Equal(2, p.PageCount);
        Assert.Equal(391, p.YDpi, 3);
        Assert.Equal(0, p.CleanFaxData);
        Assert.Null(doc.Pages[0].BadFaxLines);
        Assert.Equal("FaxPost", p.Software);
        Assert.Equal(encoded.Data.ToArray(), p.GetStrip(0).ToArray());
        Assert.Equal(FaxCompression.Mr, p.GetFaxCoding().Compression);
        Assert.True(p.GetFaxCoding().ByteAlignedEol);
    }

    [Fact]
    public void A_file_cut_short_at_any_byte_holds_every_page_that_was_linked()
    {
        EncodedFaxPage[] pages = [.. Enumerable.Range(0, 4).Select(i => FaxStrips.Encode(TestPages.Create(1728, 40 + i, 30 + i), "g4"))];
        long total;
        using (var ms = new MemoryStream())
        {
            using (var w = new TiffFaxWriter(ms, Options with { LeaveOpen = true }))
            {
                foreach (EncodedFaxPage p in pages)
                {
                    w.AppendEncodedPage(p);
                }
            }

            total = ms.Length;
        }

        for (long budget = 8; budget <= total + 16; budget += 7)
        {
            using var crashing = new CrashingStream(budget);
            int completed = 0;
            try
            {
                var w = new TiffFaxWriter(crashing, Options with { LeaveOpen = true });
                foreach (EncodedFaxPage p in pages)
                {
                    w.AppendEncodedPage(p);
                    completed++;
                }
            }
            catch (IOException)
            {
                // The "crash": nothing more reaches the file.
            }

            byte[] file = crashing.Written.ToArray();
            if (completed == 0)
            {
                Assert.Throws<TiffFormatException>(() => TiffDocument.Read(file));
                continue;
            }

            TiffDocument doc = TiffDocument.Read(file);
            Assert.Equal(completed, doc.Pages.Count);
            for (int i = 0; i < completed; i++)
            {
                Assert.Equal(pages[i].Data.ToArray(), doc.Pages[i].GetStrip(0).ToArray());
                Assert.Equal(0, doc.Pages[i].PageCount); // total still unknown: Complete never ran
            }
        }
    }

    [Fact]
    public void Writer_refuses_unseekable_streams_and_G3_without_eols()
    {
        Assert.Throws<ArgumentException>(() => new TiffFaxWriter(new CrashingStream(0, seekable: false)));
        using var w = new TiffFaxWriter(new MemoryStream());
        var page = new EncodedFaxPage { Width = 8, Height = 1, Coding = new FaxCodingOptions { Compression = FaxCompression.Mh, EolBeforeEachRow = false }, Data = new byte[] { 0 } };
        Assert.Throws<ArgumentException>(() => w.AppendEncodedPage(page));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    /// <summary>A seekable stream that fails once a byte budget is spent, keeping what reached it: a crash mid-write.</summary>
    private sealed class CrashingStream(long budget, bool seekable = true) : Stream
    {
        private long _spent;

        public MemoryStream Written { get; } = new();

        public override bool CanRead => false;

        public override bool CanSeek => seekable;

        public override bool CanWrite => true;

        public override long Length => Written.Length;

        public override long Position { get => Written.Position; set => Written.Position = value; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => Written.Seek(offset, origin);

        public override void SetLength(long value) => Written.SetLength(value);

        public override void Write(byte[] buffer, int offset, int count)
        {
            long room = budget - _spent;
            // A 4-byte link lies within one disk sector, so it lands whole or not at all; large blocks may be cut anywhere.
            int n = count <= 4 && room < count ? 0 : (int)Math.Clamp(room, 0, count);
            Written.Write(buffer, offset, n);
            _spent += n;
            if (n < count)
            {
                throw new IOException("simulated crash");
            }
        }
    }
}
