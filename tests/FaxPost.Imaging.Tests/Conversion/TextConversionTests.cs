using System.Text;
using FaxPost.Imaging.Conversion;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Conversion;

public sealed class TextConversionTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly DocumentConverter _converter;

    public TextConversionTests()
    {
        _converter = new DocumentConverter(new ConverterSettings { TempDirectory = _dir.Path });
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A4_text_grid_is_81_columns_by_61_lines_and_Letter_84_by_57()
    {
        Assert.Equal(81, TextPostScript.Columns(PaperSize.A4));
        Assert.Equal(61, TextPostScript.LinesPerPage(PaperSize.A4));
        Assert.Equal(84, TextPostScript.Columns(PaperSize.Letter));
        Assert.Equal(57, TextPostScript.LinesPerPage(PaperSize.Letter));
    }

    [Fact]
    public async Task Text_of_150_lines_prints_61_61_and_28_lines_on_three_A4_pages()
    {
        // Capitals and digits only: no descenders, so each printed line is one band of black rows.
        var text = new StringBuilder();
        for (int i = 1; i <= 150; i++)
        {
            text.Append(FormattableString.Invariant($"LINE {i:000} OF THE TEST TEXT\n"));
        }

        string path = _dir.Write("notes.txt", text.ToString());

        List<BilevelImage> pages = await Ghostscript.RenderAll(_converter, "notes.txt", path);

        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Equal((1728, 2292), (p.Width, p.Height)));
        Assert.Equal([61, 61, 28], pages.Select(Ghostscript.CountBands));
    }

    [Fact]
    public async Task Form_feed_starts_a_new_page()
    {
        string path = _dir.Write("ff.txt", "FIRST PAGE\n\fSECOND PAGE\n");

        List<BilevelImage> pages = await Ghostscript.RenderAll(_converter, "ff.txt", path, new ConversionOptions { Resolution = FaxResolution.Standard });

        Assert.Equal(2, pages.Count);
        Assert.Equal([1, 1], pages.Select(Ghostscript.CountBands));
    }

    [Fact]
    public async Task Blank_text_is_empty()
    {
        string path = _dir.Write("blank.txt", " \n\n\t\r\n");

        Assert.Equal(ConversionFailure.Empty, (await Ghostscript.Refused(_converter, "blank.txt", path)).Reason);
    }

    [Fact]
    public void Tabs_expand_to_every_eighth_column()
    {
        List<List<string>> pages = PlainTextLayout.Paginate("a\tb\tc\n\tx"u8, 80, 60);

        Assert.Equal(["a       b       c", "        x"], pages.Single());
    }

    [Fact]
    public void Long_lines_wrap_at_the_column_limit()
    {
        List<List<string>> pages = PlainTextLayout.Paginate(Encoding.ASCII.GetBytes(new string('x', 25) + "\nend"), 10, 60);

        Assert.Equal(["xxxxxxxxxx", "xxxxxxxxxx", "xxxxx", "end"], pages.Single());
    }

    [Fact]
    public void Lines_fill_pages_and_form_feeds_break_them()
    {
        List<List<string>> pages = PlainTextLayout.Paginate("1\n2\n3\n4\n5\f6\r\n7\r8"u8, 10, 2);

        Assert.Equal([["1", "2"], ["3", "4"], ["5"], ["6", "7"], ["8"]], pages);
    }

    [Fact]
    public void Utf8_is_decoded_and_characters_outside_Latin1_become_question_marks()
    {
        List<List<string>> pages = PlainTextLayout.Paginate(Encoding.UTF8.GetBytes("\uFEFFcafé ünï €5 \U0001F600!\u0007"), 80, 60);

        Assert.Equal("café ünï ?5 ?!", pages.Single().Single());
    }

    [Fact]
    public void Utf16_with_a_byte_order_mark_is_decoded()
    {
        byte[] le = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("Gr\u00fc\u00dfe\r\nzwei")];
        byte[] be = [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("Gr\u00fc\u00dfe\r\nzwei")];

        Assert.Equal(["Gr\u00fc\u00dfe", "zwei"], PlainTextLayout.Paginate(le, 80, 60).Single());
        Assert.Equal(["Gr\u00fc\u00dfe", "zwei"], PlainTextLayout.Paginate(be, 80, 60).Single());
    }

    [Fact]
    public void Invalid_utf8_becomes_question_marks()
    {
        List<List<string>> pages = PlainTextLayout.Paginate([(byte)'a', 0xC3, (byte)'b', 0xFF], 80, 60);

        Assert.Equal("a?b?", pages.Single().Single());
    }

    [Fact]
    public void PostScript_strings_escape_parentheses_backslash_and_high_characters()
    {
        var ps = new StringBuilder();
        PostScriptText.AppendString(ps, "a(b)c\\d é\u20AC");

        Assert.Equal("(a\\(b\\)c\\\\d \\351?)", ps.ToString());
    }

    [Fact]
    public async Task Text_that_tries_to_escape_its_string_prints_literally()
    {
        // If escaping failed, ") showpage (" would end the string and run PostScript.
        string path = _dir.Write("inject.txt", "HELLO) SHOWPAGE SHOWPAGE (\\\n");

        List<BilevelImage> pages = await Ghostscript.RenderAll(_converter, "inject.txt", path);

        Assert.Single(pages);
        Assert.Equal(1, Ghostscript.CountBands(pages[0]));
    }
}
