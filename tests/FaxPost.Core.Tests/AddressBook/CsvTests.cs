using FaxPost.Core.AddressBook;

namespace FaxPost.Core.Tests.AddressBook;

public sealed class CsvTests
{
    [Fact]
    public void Quoted_fields_keep_commas_quotes_and_line_breaks()
    {
        var rows = Csv.Parse("name,company\r\n\"Doe, Jane\",\"ACME \"\"Fax\"\"\nDept\"\r\nBob,\r\n", 10);

        Assert.Equal(3, rows.Count);
        Assert.Equal(["Doe, Jane", "ACME \"Fax\"\nDept"], rows[1]);
        Assert.Equal(["Bob", ""], rows[2]);
    }

    [Fact]
    public void Semicolon_files_from_spreadsheets_are_read()
    {
        var rows = Csv.Parse("name;fax\nMüller GmbH;+49 30 123456\n", 10);

        Assert.Equal(["Müller GmbH", "+49 30 123456"], rows[1]);
    }

    [Fact]
    public void Writing_then_reading_round_trips()
    {
        string[] values = ["plain", "with,comma", "with \"quote\"", "two\r\nlines", "+49 89 1234"];
        string line = string.Join(",", values.Select(Csv.Field));

        Assert.Equal(values, Csv.Parse(line, 10)[0]);
    }

    [Fact]
    public void Formulas_are_defused_for_spreadsheets()
    {
        Assert.Equal("'=HYPERLINK(1)", Csv.Field("=HYPERLINK(1)"));
        Assert.Equal("'@SUM(A1)", Csv.Field("@SUM(A1)"));
        Assert.Equal("-5", Csv.Field("-5"));
        Assert.Equal("+49 89", Csv.Field("+49 89"));
    }

    [Fact]
    public void An_unterminated_quote_and_too_many_rows_are_errors()
    {
        Assert.Throws<ValidationException>(() => Csv.Parse("a,\"b\n", 10));
        Assert.Throws<ValidationException>(() => Csv.Parse(string.Concat(Enumerable.Repeat("x\n", 20)), 10));
    }
}
