using System.Text;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Tests.Sip;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Tests.Trunks;

public sealed class InboundCallNumbersTests
{
    private readonly TrunkDialPlan _plan = new(TrunkTestData.Numbering());

    private InboundCallNumbers Read(SipRequest invite, CalledNumberSource source, TrunkNumberFormat format = TrunkNumberFormat.E164) =>
        InboundCallNumbers.From(invite, TrunkTestData.Trunk(change: t => { t.CalledNumber = source; t.NumberFormat = format; }), _plan);

    [Fact]
    public void The_request_uri_names_the_dialled_number_by_default()
    {
        var invite = TrunkTestData.Invite("sip:+4989123411@faxpost.example", "To: <sip:+4989123499@faxpost.example>");

        var numbers = Read(invite, CalledNumberSource.RequestUri);

        Assert.Equal("+4989123411", numbers.DialledNumber);
        Assert.Equal("+4930555666", numbers.CallerNumber);
    }

    [Fact]
    public void A_pbx_that_rewrites_the_request_uri_is_read_from_To()
    {
        var invite = TrunkTestData.Invite("sip:faxpost@192.0.2.50:5060", "To: \"Sales\" <sip:089123420@pbx.example>");

        Assert.Equal("+4989123420", Read(invite, CalledNumberSource.To, TrunkNumberFormat.National).DialledNumber);
        Assert.Equal("faxpost", Read(invite, CalledNumberSource.RequestUri, TrunkNumberFormat.National).DialledNumber);
    }

    [Fact]
    public void P_called_party_id_is_read_when_configured()
    {
        var invite = TrunkTestData.Invite("sip:4989123400@192.0.2.50", "P-Called-Party-ID: <tel:+49-89-1234-12>");

        Assert.Equal("+4989123412", Read(invite, CalledNumberSource.PCalledPartyId).DialledNumber);
    }

    [Fact]
    public void Diversion_gives_the_number_first_dialled()
    {
        var invite = TrunkTestData.Invite(
            "sip:+4989123400@192.0.2.50",
            "Diversion: <sip:+4989123499@pbx.example>;reason=unconditional;counter=1",
            "Diversion: <sip:+4989123413@pbx.example>;reason=no-answer;counter=1");

        Assert.Equal("+4989123413", Read(invite, CalledNumberSource.Diversion).DialledNumber);
    }

    [Theory]
    [InlineData(CalledNumberSource.PCalledPartyId)]
    [InlineData(CalledNumberSource.Diversion)]
    public void A_missing_header_falls_back_to_the_request_uri(CalledNumberSource source)
    {
        var invite = TrunkTestData.Invite("sip:+4989123411@faxpost.example");

        Assert.Equal("+4989123411", Read(invite, source).DialledNumber);
    }

    [Fact]
    public void A_malformed_configured_header_falls_back_to_the_request_uri()
    {
        var invite = TrunkTestData.Invite("sip:+4989123411@faxpost.example", "P-Called-Party-ID: <<not a uri");

        Assert.Equal("+4989123411", Read(invite, CalledNumberSource.PCalledPartyId).DialledNumber);
    }

    [Fact]
    public void The_asserted_identity_wins_over_from_and_anonymous_callers_have_no_number()
    {
        var asserted = TrunkTestData.Invite("sip:+4989123411@faxpost.example", "P-Asserted-Identity: <sip:+4940777888@carrier.example>, <tel:+4940777888>");
        var anonymous = TrunkTestData.Invite("sip:+4989123411@faxpost.example", "From: \"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=9");

        Assert.Equal("+4940777888", Read(asserted, CalledNumberSource.RequestUri).CallerNumber);
        Assert.Null(Read(anonymous, CalledNumberSource.RequestUri).CallerNumber);
    }

    [Fact]
    public void Mutated_invites_never_make_the_extraction_throw()
    {
        var seed = Encoding.UTF8.GetBytes(TrunkTestData.Invite(
            "sip:+4989123411@faxpost.example",
            "To: <sip:+4989123411@faxpost.example>",
            "P-Called-Party-ID: <tel:+4989123411>",
            "Diversion: <sip:+4989123413@pbx.example>;reason=no-answer",
            "P-Asserted-Identity: <sip:+4940777888@carrier.example>").ToString());
        var random = new Random(11);
        var sources = Enum.GetValues<CalledNumberSource>();
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var result = SipMessageParser.ParseDatagram(Fuzz.Mutate(seed, random));
            if (result.Status != SipParseStatus.Complete || result.Message is not SipRequest request)
            {
                continue;
            }

            parsed++;
            var numbers = Read(request, sources[i % sources.Length]);
            Assert.True(numbers.DialledNumber is null || numbers.DialledNumber.Length <= 64);
        }

        Assert.True(parsed > 1000, $"only {parsed} mutations parsed");
    }
}
