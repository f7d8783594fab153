using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using FaxPost.Core.Accounts;
using FaxPost.Web.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaxPost.Web.Auth;

/// <summary>
/// Authenticates API calls: <c>Authorization: Bearer fp_...</c> (an API token, RFC 6750) or
/// <c>Authorization: Basic</c> with login and password (RFC 7617, for scripts; the account lock-out
/// applies). Secrets are never logged. A challenge is a 401 problem with WWW-Authenticate naming
/// both schemes; a failed attempt says why (wrong credentials, locked until ...).
/// </summary>
internal sealed partial class ApiAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AccountService accounts,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    internal const string Realm = "FaxPost";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!AuthenticationHeaderValue.TryParse(header, out var value) || value.Parameter is null)
        {
            return AuthenticateResult.Fail("The Authorization header is malformed.");
        }

        if (value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            var principal = await accounts.AuthenticateTokenAsync(value.Parameter, CallerExtensions.Via, Context.RequestAborted).ConfigureAwait(false);
            if (principal is null)
            {
                LogRefused(Logger, "token", Context.Connection.RemoteIpAddress?.ToString());
                return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
            }

            return Success(principal);
        }

        if (value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryDecodeBasic(value.Parameter, out string? login, out string? password))
            {
                return AuthenticateResult.Fail("The Basic credentials are malformed.");
            }

            var result = await accounts.LogInAsync(login, password, CallerExtensions.Via, Context.RequestAborted).ConfigureAwait(false);
            if (result.Principal is null)
            {
                LogRefused(Logger, "password", Context.Connection.RemoteIpAddress?.ToString());
                return AuthenticateResult.Fail(result.Failure switch
                {
                    LoginFailure.LockedOut => $"The account is locked after too many failed log-ins until {result.LockedUntil:yyyy-MM-dd HH:mm:ss}Z.",
                    LoginFailure.Inactive => "The account is deactivated.",
                    _ => "The login or password is wrong.",
                });
            }

            return Success(result.Principal);
        }

        return AuthenticateResult.Fail($"The authorization scheme '{value.Scheme}' is not supported; use Bearer or Basic.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var outcome = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append("WWW-Authenticate", "Bearer realm=\"" + Realm + "\"");
        Response.Headers.Append("WWW-Authenticate", "Basic realm=\"" + Realm + "\", charset=\"UTF-8\"");
        string detail = outcome.Failure?.Message ?? "This request needs an API token (Authorization: Bearer fp_...) or a login and password (Basic).";
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = ProblemKinds.Make(StatusCodes.Status401Unauthorized, ProblemKinds.Unauthenticated, "Authentication required", detail),
        }).ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = ProblemKinds.Make(StatusCodes.Status403Forbidden, ProblemKinds.Forbidden, "Not allowed", "You may not do this."),
        }).ConfigureAwait(false);
    }

    private AuthenticateResult Success(Core.Rights.Principal principal)
    {
        Context.SetCaller(principal);
        return AuthenticateResult.Success(new AuthenticationTicket(CallerExtensions.ToClaims(principal, Scheme.Name), Scheme.Name));
    }

    // RFC 7617 §2: base64 of "user-id:password", UTF-8; the user-id cannot contain a colon.
    private static bool TryDecodeBasic(string parameter, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? login, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? password)
    {
        login = password = null;
        if (parameter.Length > 2048)
        {
            return false;
        }

        byte[] bytes = new byte[(parameter.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(parameter, bytes, out int length))
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        login = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Refused API {Kind} authentication from {Remote}")]
    private static partial void LogRefused(ILogger logger, string kind, string? remote);
}
