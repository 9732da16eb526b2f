using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Energy.Scheduler.Security;

/// <summary>
/// Reads <c>Authorization: Bearer hg_…</c> or <c>X-Api-Key: hg_…</c> and checks it against <see cref="UserDirectory"/>.
/// No key is no result (the rules decide whether one is needed); a wrong key is a failure, counted per remote address
/// by <see cref="FailedAuthentications"/>. While the API is open (no users, loopback) keys are not looked at.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, UserDirectory users, FailedAuthentications failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string ApiKeyHeader = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented();
        if (presented is null || users.IsOpen)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var (user, refusal) = users.Authenticate(presented);
        if (user is null)
        {
            failures.Failed(RemoteAddress(Context), refusal!);
            return Task.FromResult(AuthenticateResult.Fail(refusal!));
        }

        var keyId = ApiKey.TryParse(presented, out var key) ? key!.Id : string.Empty;
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(ApiClaims.Principal(user, keyId), Scheme.Name)));
    }

    internal static string RemoteAddress(Microsoft.AspNetCore.Http.HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private string? Presented()
    {
        var header = Request.Headers[HeaderNames.Authorization].ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        var key = Request.Headers[ApiKeyHeader].ToString();
        return key.Length > 0 ? key : null;
    }
}
