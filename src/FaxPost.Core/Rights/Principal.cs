using FaxPost.Core.Accounts;

namespace FaxPost.Core.Rights;

/// <summary>Who is asking: an authenticated user, with roles and team memberships resolved once per request.</summary>
public sealed class Principal
{
    public Principal(long userId, string login, Role roles, IReadOnlyCollection<long> teamIds, string via)
    {
        UserId = userId;
        Login = login;
        Roles = roles;
        TeamIds = teamIds;
        Via = via;
    }

    public long UserId { get; }

    public string Login { get; }

    public Role Roles { get; }

    public IReadOnlyCollection<long> TeamIds { get; }

    /// <summary>The front door the request came through (rest, web, cli, mail, hylafax, ipp, system), for the audit log.</summary>
    public string Via { get; }

    public bool IsAdministrator => (Roles & Role.Administrator) != 0;

    public bool IsPostOffice => (Roles & (Role.PostOffice | Role.Administrator)) != 0;

    /// <summary>The server itself (scheduler, retention); never reachable from a front door.</summary>
    public static Principal System { get; } = new(0, "system", Role.Administrator | Role.PostOffice, [], "system");
}
