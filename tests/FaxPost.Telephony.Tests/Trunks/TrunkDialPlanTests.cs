using FaxPost.Core.Numbering;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Tests.Trunks;

public sealed class TrunkDialPlanTests
{
    private readonly OrganisationNumbering _numbering = TrunkTestData.Numbering();

    [Theory]
    [InlineData(TrunkNumberFormat.E164, "", "+4930123456", "+4930123456")]
    [InlineData(TrunkNumberFormat.E164WithoutPlus, "", "+4930123456", "4930123456")]
    [InlineData(TrunkNumberFormat.National, "", "+4930123456", "030123456")]
    [InlineData(TrunkNumberFormat.National, "", "+33155512345", "0033155512345")]
    [InlineData(TrunkNumberFormat.NationalWithAccessCode, "", "+4930123456", "0030123456")]
    [InlineData(TrunkNumberFormat.NationalWithAccessCode, "", "+33155512345", "00033155512345")]
    [InlineData(TrunkNumberFormat.National, "01019", "+4930123456", "01019030123456")]
    public void Outbound_numbers_take_the_trunks_form(TrunkNumberFormat format, string dialPrefix, string e164, string expected)
    {
        var plan = new TrunkDialPlan(_numbering);
        var trunk = TrunkTestData.Trunk(change: t => { t.NumberFormat = format; t.DialPrefix = dialPrefix; });

        Assert.Equal(expected, plan.ToTrunk(e164, trunk));
    }

    [Fact]
    public void Only_E164_numbers_are_dialled()
    {
        var plan = new TrunkDialPlan(_numbering);
        Assert.Throws<ArgumentException>(() => plan.ToTrunk("030123456", TrunkTestData.Trunk()));
    }

    [Theory]
    [InlineData(TrunkNumberFormat.E164, "+4989123411", "+4989123411")]
    [InlineData(TrunkNumberFormat.E164, "+49-89-1234-11;phone-context=+49", "+4989123411")]
    [InlineData(TrunkNumberFormat.E164WithoutPlus, "4989123411", "+4989123411")]
    [InlineData(TrunkNumberFormat.E164, "4989123411", "+4989123411")]
    [InlineData(TrunkNumberFormat.E164, "089123411", "+4989123411")]
    [InlineData(TrunkNumberFormat.National, "089123411", "+4989123411")]
    [InlineData(TrunkNumberFormat.National, "123411", "+4989123411")]
    [InlineData(TrunkNumberFormat.National, "004989123411", "+4989123411")]
    [InlineData(TrunkNumberFormat.NationalWithAccessCode, "11", "11")]
    [InlineData(TrunkNumberFormat.E164WithoutPlus, "011", "011")]
    [InlineData(TrunkNumberFormat.E164, "fax", "fax")]
    [InlineData(TrunkNumberFormat.E164, "  ", null)]
    [InlineData(TrunkNumberFormat.E164, ";isub=1", null)]
    [InlineData(TrunkNumberFormat.E164, "+", null)]
    public void Inbound_numbers_become_the_post_offices_form(TrunkNumberFormat format, string signalled, string? expected)
    {
        var plan = new TrunkDialPlan(_numbering);
        var trunk = TrunkTestData.Trunk(change: t => t.NumberFormat = format);

        Assert.Equal(expected, plan.FromTrunk(signalled, trunk));
    }

    [Theory]
    [InlineData(TrunkNumberFormat.E164, "+4989123411")]
    [InlineData(TrunkNumberFormat.E164WithoutPlus, "4989123411")]
    [InlineData(TrunkNumberFormat.National, "089123411")]
    [InlineData(TrunkNumberFormat.National, "123411")]
    [InlineData(TrunkNumberFormat.NationalWithAccessCode, "11")]
    public void Every_form_of_our_own_number_reaches_the_extension(TrunkNumberFormat format, string signalled)
    {
        // What Core's InboundRouter does with the dialled number: parse it and take our extension.
        var plan = new TrunkDialPlan(_numbering);
        var dialled = plan.FromTrunk(signalled, TrunkTestData.Trunk(change: t => t.NumberFormat = format));

        var parsed = _numbering.Parse(dialled!);
        Assert.Equal(NumberKind.Extension, parsed.Kind);
        Assert.Equal("11", parsed.ExtensionDigits);
    }

    [Theory]
    [InlineData(TrunkNumberFormat.E164, "+49891234", "+49891234")]
    [InlineData(TrunkNumberFormat.E164WithoutPlus, "+49891234", "49891234")]
    [InlineData(TrunkNumberFormat.National, "+49891234", "0891234")]
    [InlineData(TrunkNumberFormat.E164, "", "+4989123411")]
    public void Caller_id_is_the_trunks_number_or_the_mailboxes(TrunkNumberFormat format, string fromNumber, string expected)
    {
        var plan = new TrunkDialPlan(_numbering);
        var trunk = TrunkTestData.Trunk(change: t => { t.NumberFormat = format; t.FromNumber = fromNumber; });

        Assert.Equal(expected, plan.CallerIdFor(trunk, "+4989123411"));
    }

    [Fact]
    public void Any_text_from_a_trunk_gives_a_bounded_result_and_never_throws()
    {
        var plan = new TrunkDialPlan(_numbering);
        var trunks = Enum.GetValues<TrunkNumberFormat>().Select(f => TrunkTestData.Trunk(change: t => t.NumberFormat = f)).ToArray();
        var random = new Random(5);
        var alphabet = "0123456789+;-.() #*abcxyz=@\u00e9".ToCharArray();
        for (var i = 0; i < 50_000; i++)
        {
            var chars = new char[random.Next(0, 90)];
            for (var c = 0; c < chars.Length; c++)
            {
                chars[c] = alphabet[random.Next(alphabet.Length)];
            }

            var result = plan.FromTrunk(new string(chars), trunks[i % trunks.Length]);
            Assert.True(result is null || (result.Length is > 0 and <= 64));
        }
    }
}
