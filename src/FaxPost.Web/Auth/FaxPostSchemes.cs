namespace FaxPost.Web.Auth;

/// <summary>
/// Authentication scheme names. <see cref="Default"/> is a policy scheme: requests with an
/// Authorization header go to <see cref="Api"/> (Bearer token or Basic password); others go to the
/// browser scheme when the web UI registered one (<see cref="FaxPostWebOptions.BrowserScheme"/>),
/// else to <see cref="Api"/>, whose challenge is a 401 problem with WWW-Authenticate.
/// </summary>
public static class FaxPostSchemes
{
    public const string Default = "FaxPost";
    public const string Api = "FaxPost.Api";
}

/// <summary>Settings of the web front door the host or the web UI may change.</summary>
public sealed class FaxPostWebOptions
{
    /// <summary>A cookie (or other browser) scheme the web UI adds; its handler must put the caller in
    /// place with <see cref="CallerExtensions.SetCaller"/> or issue a NameIdentifier claim holding the user id.</summary>
    public string? BrowserScheme { get; set; }

    /// <summary>Largest JSON body outside document uploads.</summary>
    public long MaxJsonBytes { get; set; } = 1024 * 1024;
}
