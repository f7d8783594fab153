namespace FaxPost.Telephony.Sip.Auth;

/// <summary>
/// A SIP account's user name and password. The password is only reachable inside this assembly
/// (to compute digests) and never appears in <see cref="ToString"/>, so logging the object is safe.
/// </summary>
public sealed class SipCredentials
{
    public SipCredentials(string username, string password, string? realm = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        Username = username;
        Password = password;
        Realm = realm;
    }

    public string Username { get; }

    /// <summary>Restrict these credentials to one realm; null answers any realm.</summary>
    public string? Realm { get; }

    internal string Password { get; }

    public bool AppliesTo(string realm) => Realm is null || string.Equals(Realm, realm, StringComparison.Ordinal);

    public override string ToString() => Realm is null ? $"{Username} (password hidden)" : $"{Username}@{Realm} (password hidden)";
}
