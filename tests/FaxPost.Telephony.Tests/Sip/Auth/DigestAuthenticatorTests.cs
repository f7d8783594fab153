using FaxPost.Telephony.Sip.Auth;

namespace FaxPost.Telephony.Tests.Sip.Auth;

public sealed class DigestAuthenticatorTests
{
    private const string Rfc7616Nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private const string Rfc7616Cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    private const string Rfc7616Opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";

    [Theory]
    // RFC 7616 §3.9.1: the same request answered with SHA-256 and with MD5.
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")]
    public void Rfc7616_example(string algorithm, string expected)
    {
        var header = $"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm={algorithm}, nonce=\"{Rfc7616Nonce}\", opaque=\"{Rfc7616Opaque}\"";
        Assert.True(DigestChallenge.TryParse(header, out var challenge));
        var authenticator = new DigestAuthenticator(() => Rfc7616Cnonce);
        var value = authenticator.CreateAuthorization(challenge, new SipCredentials("Mufasa", "Circle of Life"), "GET", "/dir/index.html");
        Assert.Contains($"response=\"{expected}\"", value, StringComparison.Ordinal);
        Assert.Contains("qop=auth, nc=00000001", value, StringComparison.Ordinal);
        Assert.Contains($"cnonce=\"{Rfc7616Cnonce}\"", value, StringComparison.Ordinal);
        Assert.Contains($"opaque=\"{Rfc7616Opaque}\"", value, StringComparison.Ordinal);
        Assert.Contains($"algorithm={algorithm}", value, StringComparison.Ordinal);
        Assert.DoesNotContain("Circle", value, StringComparison.Ordinal);
    }

    [Fact]
    public void Rfc2617_example()
    {
        // RFC 2617 §3.5.
        var response = DigestAuthenticator.ComputeResponse(DigestAlgorithm.Md5, "Mufasa", "testrealm@host.com", "Circle Of Life",
            "dcd98b7102dd2f0e8b11d0f600bfb0c093", "GET", "/dir/index.html", "auth", "00000001", "0a4f113b");
        Assert.Equal("6629fae49393a05397450978507c4ef1", response);
    }

    [Fact]
    public void Without_qop_uses_rfc2069_form_and_no_cnonce()
    {
        Assert.True(DigestChallenge.TryParse("Digest realm=\"asterisk\", nonce=\"4a5b6c\"", out var challenge));
        Assert.Equal(DigestAlgorithm.Md5, challenge.Algorithm);
        var value = new DigestAuthenticator(() => "unused").CreateAuthorization(challenge, new SipCredentials("100", "secret"), "REGISTER", "sip:pbx.example.com");
        var expected = DigestAuthenticator.ComputeResponse(DigestAlgorithm.Md5, "100", "asterisk", "secret", "4a5b6c", "REGISTER", "sip:pbx.example.com", null, null, null);
        Assert.Equal($"Digest username=\"100\", realm=\"asterisk\", nonce=\"4a5b6c\", uri=\"sip:pbx.example.com\", response=\"{expected}\"", value);
    }

    [Fact]
    public void Nonce_count_increases_per_nonce_and_restarts_for_a_new_one()
    {
        var authenticator = new DigestAuthenticator(() => "c");
        var credentials = new SipCredentials("u", "p");
        DigestChallenge.TryParse("Digest realm=\"r\", nonce=\"n1\", qop=\"auth\"", out var first);
        DigestChallenge.TryParse("Digest realm=\"r\", nonce=\"n2\", qop=\"auth\", stale=true", out var second);
        Assert.True(second.Stale);
        Assert.Contains("nc=00000001", authenticator.CreateAuthorization(first, credentials, "INVITE", "sip:a@b"), StringComparison.Ordinal);
        Assert.Contains("nc=00000002", authenticator.CreateAuthorization(first, credentials, "INVITE", "sip:a@b"), StringComparison.Ordinal);
        Assert.Contains("nc=00000001", authenticator.CreateAuthorization(second, credentials, "INVITE", "sip:a@b"), StringComparison.Ordinal);
    }

    [Fact]
    public void Session_variant_mixes_nonce_and_cnonce_into_a1()
    {
        DigestChallenge.TryParse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256-sess, qop=\"auth\"", out var challenge);
        Assert.Equal(DigestAlgorithm.Sha256Sess, challenge.Algorithm);
        var value = new DigestAuthenticator(() => "cn").CreateAuthorization(challenge, new SipCredentials("u", "p"), "BYE", "sip:x@y");
        var plain = DigestAuthenticator.ComputeResponse(DigestAlgorithm.Sha256, "u", "r", "p", "n", "BYE", "sip:x@y", "auth", "00000001", "cn");
        var sess = DigestAuthenticator.ComputeResponse(DigestAlgorithm.Sha256Sess, "u", "r", "p", "n", "BYE", "sip:x@y", "auth", "00000001", "cn");
        Assert.NotEqual(plain, sess);
        Assert.Contains($"response=\"{sess}\"", value, StringComparison.Ordinal);
        Assert.Contains("algorithm=SHA-256-sess", value, StringComparison.Ordinal);
    }

    [Fact]
    public void Topmost_supported_challenge_is_chosen()
    {
        var chosen = DigestChallenge.SelectPreferred([
            "Digest realm=\"r\", nonce=\"a\", algorithm=SHA-512-256",
            "Basic realm=\"r\"",
            "Digest realm=\"r\", nonce=\"b\", algorithm=SHA-256",
            "Digest realm=\"r\", nonce=\"c\", algorithm=MD5",
        ]);
        Assert.Equal("b", chosen!.Nonce);
        Assert.Equal(DigestAlgorithm.Sha256, chosen.Algorithm);
        Assert.Null(DigestChallenge.SelectPreferred(["NoOneKnowsThisScheme opaque-data=here"]));
    }

    [Theory]
    [InlineData("Digest nonce=\"x\"")]
    [InlineData("Digest realm=\"x\"")]
    [InlineData("Digest realm=\"x, nonce=\"y\"")]
    [InlineData("Digest")]
    [InlineData("Digest realm")]
    public void Unusable_challenges_are_refused(string header) => Assert.False(DigestChallenge.TryParse(header, out _));

    [Fact]
    public void Credentials_never_show_the_password()
    {
        var credentials = new SipCredentials("faxline1", "s3cr3t-Pa55", "pbx.example.com");
        Assert.DoesNotContain("s3cr3t", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", $"{credentials}", StringComparison.Ordinal);
        Assert.DoesNotContain(typeof(SipCredentials).GetProperties(), p => p.Name == "Password");
        Assert.True(credentials.AppliesTo("pbx.example.com"));
        Assert.False(credentials.AppliesTo("other"));
    }
}
