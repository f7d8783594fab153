using FaxPost.Core.Accounts;

namespace FaxPost.Core.Tests.Accounts;

public sealed class PasswordHasherTests
{
    [Fact]
    public void A_hash_verifies_its_password_and_nothing_else()
    {
        string hash = PasswordHasher.Hash("correct horse", 10_000);

        Assert.StartsWith("pbkdf2-sha256$10000$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify("correct horse", hash));
        Assert.False(PasswordHasher.Verify("correct horsE", hash));
        Assert.False(PasswordHasher.Verify("", hash));
    }

    [Fact]
    public void The_same_password_hashes_differently_each_time()
    {
        Assert.NotEqual(PasswordHasher.Hash("secret-1", 10_000), PasswordHasher.Hash("secret-1", 10_000));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("pbkdf2-sha256$x$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$not base64!$AAAA")]
    [InlineData("md5$1$a$b")]
    public void Malformed_hashes_never_verify(string? stored)
    {
        Assert.False(PasswordHasher.Verify("anything", stored));
    }

    [Fact]
    public void Api_tokens_are_random_and_stored_only_as_hashes()
    {
        string a = ApiTokens.NewSecret();
        string b = ApiTokens.NewSecret();

        Assert.StartsWith("fp_", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
        Assert.Equal(ApiTokens.HashOf(a), ApiTokens.HashOf(a));
        Assert.DoesNotContain(a[3..], ApiTokens.HashOf(a), StringComparison.Ordinal);
        Assert.Equal(64, ApiTokens.HashOf(a).Length);
    }

    [Fact]
    public void New_passwords_avoid_look_alike_characters()
    {
        string password = PasswordHasher.NewPassword(200);

        Assert.Equal(200, password.Length);
        Assert.DoesNotContain('0', password);
        Assert.DoesNotContain('O', password);
        Assert.DoesNotContain('l', password);
        Assert.DoesNotContain('1', password);
    }
}
