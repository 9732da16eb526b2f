using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Energy.Scheduler.Security;

/// <summary>
/// Reads the <c>hg_session</c> cookie (<see cref="BrowserSessions"/>) and gives the claims the session's key would give,
/// with the user's current role. No cookie, an unknown or expired session, or a user or key removed since the login is
/// no result (the rules then answer 401). While the API is open (no users, loopback) sessions are not looked at.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, UserDirectory users, BrowserSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Session";
    public const string SessionClaim = "hg:session";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (users.IsOpen || sessions.Find(Request.Cookies[BrowserSessions.Cookie]) is not { } session
            || Principal(users, session) is not { } principal)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <summary>The session's user as <see cref="ApiClaims.Principal"/> makes it, authenticated by <see cref="Scheme"/>; null when the user or key is gone.</summary>
    internal static ClaimsPrincipal? Principal(UserDirectory users, BrowserSession session)
    {
        var user = users.Users.FirstOrDefault(u => u.Name == session.User && u.Keys.Any(k => k.Id == session.KeyId));
        if (user is null)
        {
            return null;
        }

        var claims = ApiClaims.Principal(user, session.KeyId).Claims.Append(new Claim(SessionClaim, session.Id));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }
}
