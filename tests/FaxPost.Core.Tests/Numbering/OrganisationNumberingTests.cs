using FaxPost.Core.Numbering;

namespace FaxPost.Core.Tests.Numbering;

public sealed class OrganisationNumberingTests
{
    private static readonly OrganisationNumbering Munich = new()
    {
        CountryCode = "49",
        AreaCode = "89",
        BaseNumber = "1234",
        AccessCode = "0",
        MaxExtensionLength = 3,
    };

    [Theory]
    [InlineData("+49 89 5550123", "+49895550123")]
    [InlineData("0049 89 5550123", "+49895550123")]
    [InlineData("089 5550123", "+49895550123")]
    [InlineData("030/12345-67", "+493012345 67")]
    [InlineData("(089) 555 01 23", "+49895550123")]
    [InlineData("5550123", "+49895550123")]
    [InlineData("+1 (212) 555-0100", "+12125550100")]
    [InlineData("001 212 5550100", "+12125550100")]
    public void External_numbers_become_E164(string typed, string expected)
    {
        var result = Munich.Parse(typed);

        Assert.Equal(NumberKind.External, result.Kind);
        Assert.Equal(expected.Replace(" ", "", StringComparison.Ordinal), result.E164);
    }

    [Theory]
    [InlineData("12", "12")]
    [InlineData("+49 89 1234 12", "12")]
    [InlineData("089 1234 567", "567")]
    [InlineData("1234 12", "12")]
    public void Our_own_numbers_are_extensions(string typed, string extension)
    {
        var result = Munich.Parse(typed);

        Assert.Equal(NumberKind.Extension, result.Kind);
        Assert.Equal(extension, result.ExtensionDigits);
        Assert.Equal("+49891234" + extension, result.E164);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("abc", "not allowed")]
    [InlineData("0900-CALL-NOW", "not allowed")]
    [InlineData("+", "no digits")]
    [InlineData("+49 89 1234 5678 9012 345", "15 digits")]
    [InlineData("++4989", "not allowed")]
    [InlineData("+12345", "too short")]
    [InlineData("12;rm -rf", "not allowed")]
    public void Wrong_numbers_are_refused_with_a_reason(string typed, string reasonPart)
    {
        var result = Munich.Parse(typed);

        Assert.False(result.IsValid);
        Assert.Contains(reasonPart, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 089 5550123", NumberKind.External, "+49895550123")]
    [InlineData("00991123456999", NumberKind.External, "+49991123456999")]
    [InlineData("0 0049 30 123456", NumberKind.External, "+4930123456")]
    [InlineData("0 089 1234 567", NumberKind.Extension, "+49891234567")]
    [InlineData("567", NumberKind.Extension, "+49891234567")]
    [InlineData("+49 30 123456", NumberKind.External, "+4930123456")]
    public void Numbers_dialled_with_the_access_code(string typed, NumberKind kind, string e164)
    {
        var result = Munich.Parse(typed, withAccessCode: true);

        Assert.Equal(kind, result.Kind);
        Assert.Equal(e164, result.E164);
    }

    [Fact]
    public void Without_the_access_code_an_outside_number_is_refused_where_it_is_required()
    {
        var result = Munich.Parse("89 5550123", withAccessCode: true);

        Assert.False(result.IsValid);
        Assert.Contains("access code 0", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlong_input_is_refused_before_parsing()
    {
        var result = Munich.Parse(new string('1', 10_000));

        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("+49895550123", "0895550123")]
    [InlineData("+12125550100", "0012125550100")]
    public void Dial_strings_use_national_and_international_prefixes(string e164, string dial)
    {
        Assert.Equal(dial, Munich.ToDialString(e164));
    }

    [Fact]
    public void Extension_of_recognises_only_our_base_number()
    {
        Assert.Equal("12", Munich.ExtensionOf("+4989123412"));
        Assert.Equal("", Munich.ExtensionOf("+49891234"));
        Assert.Null(Munich.ExtensionOf("+4989123456789"));
        Assert.Null(Munich.ExtensionOf("+4930123412"));
    }
}
