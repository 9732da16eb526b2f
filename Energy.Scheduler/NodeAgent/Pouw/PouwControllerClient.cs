using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Energy.Gpu.Pouw;

namespace Energy.Scheduler.NodeAgent.Pouw;

/// <summary>How a call to the controller's PoUW API ended.</summary>
public enum PouwCallOutcome
{
    /// <summary>Answered 2xx (for a ticket: accepted or refused, see <see cref="PouwCallResult.Accepted"/>).</summary>
    Answered,

    /// <summary>A 4xx other than 401/403/408/429: final, the controller will not take it.</summary>
    Refused,

    /// <summary>The controller was not reached, timed out, or answered 5xx/408/429: try again later.</summary>
    Retry,

    /// <summary>401/403: the agent's key is missing, wrong or of another role; the operator must act.</summary>
    Unauthorized,
}

/// <summary>One call's end: the outcome, the HTTP status (0 when none came), for a ticket whether it was accepted, and the reason.</summary>
public sealed record PouwCallResult(PouwCallOutcome Outcome, int Status, bool Accepted, string Reason, string Detail, long WorkUnits = 0);

/// <summary>
/// The controller's PoUW API as a node agent calls it (README, "Proof of useful work"), with an agent API key in
/// <c>X-Api-Key</c>: the job's current header, logging a batch's activations root, submitting a ticket.
/// Transport errors are caught here and become <see cref="PouwCallOutcome.Retry"/>. It owns the <see cref="HttpClient"/>.
/// </summary>
public sealed class PouwControllerClient(HttpClient http, string apiKey) : IDisposable
{
    public const string ApiKeyHeader = "X-Api-Key";
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>The job's current header, or null with the call's end.</summary>
    public async Task<(PouwHeader? Header, PouwCallResult Result)> HeaderAsync(string tenant, string job, CancellationToken ct)
    {
        var (result, body) = await SendAsync(HttpMethod.Get, JobPath(tenant, job) + "/header", null, ct);
        if (result.Outcome != PouwCallOutcome.Answered)
        {
            return (null, result);
        }

        try
        {
            var document = JsonSerializer.Deserialize<PouwHeaderDocument>(body, Web);
            string? error = "empty";
            if (document is not null && document.TryTo(out var header, out error))
            {
                return (header, result);
            }

            return (null, result with { Outcome = PouwCallOutcome.Retry, Reason = "malformed-header", Detail = error ?? "empty" });
        }
        catch (JsonException e)
        {
            return (null, result with { Outcome = PouwCallOutcome.Retry, Reason = "malformed-header", Detail = e.Message });
        }
    }

    /// <summary>Logs one request batch's activations root for the job.</summary>
    public async Task<PouwCallResult> LogBatchAsync(string tenant, string job, ReadOnlyMemory<byte> activationsRoot, CancellationToken ct)
    {
        var body = $$"""{"activationsRoot":"{{Convert.ToHexStringLower(activationsRoot.Span)}}"}""";
        return (await SendAsync(HttpMethod.Post, JobPath(tenant, job) + "/batches", body, ct)).Result;
    }

    /// <summary>Submits a ticket (its JSON); answered: accepted, or the controller's reason (e.g. <c>stale-job</c>, <c>duplicate</c>).</summary>
    public async Task<PouwCallResult> SubmitAsync(string ticketJson, CancellationToken ct)
    {
        var (result, body) = await SendAsync(HttpMethod.Post, PouwTicketPath, ticketJson, ct);
        if (result.Outcome != PouwCallOutcome.Answered)
        {
            return result;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var accepted = root.TryGetProperty("accepted", out var a) && a.ValueKind == JsonValueKind.True;
            var units = root.TryGetProperty("workUnits", out var w) && w.TryGetInt64(out var n) ? n : 0;
            return result with { Accepted = accepted, Reason = Text(root, "reason") ?? (accepted ? "accepted" : "refused"), Detail = Text(root, "detail") ?? string.Empty, WorkUnits = units };
        }
        catch (JsonException e)
        {
            return result with { Outcome = PouwCallOutcome.Retry, Reason = "malformed-answer", Detail = e.Message };
        }
    }

    /// <summary>Disposes the HTTP client it was given.</summary>
    public void Dispose() => http.Dispose();

    private const string PouwTicketPath = "api/pouw/tickets";

    private static string JobPath(string tenant, string job) => $"api/pouw/jobs/{Uri.EscapeDataString(tenant)}/{Uri.EscapeDataString(job)}";

    private async Task<(PouwCallResult Result, string Body)> SendAsync(HttpMethod method, string path, string? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add(ApiKeyHeader, apiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            var outcome = response.StatusCode switch
            {
                _ when response.IsSuccessStatusCode => PouwCallOutcome.Answered,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => PouwCallOutcome.Unauthorized,
                HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => PouwCallOutcome.Retry,
                _ when status >= 500 => PouwCallOutcome.Retry,
                _ => PouwCallOutcome.Refused,
            };
            var (reason, detail) = outcome == PouwCallOutcome.Answered ? (string.Empty, string.Empty) : Problem(text, status);
            return (new PouwCallResult(outcome, status, false, reason, detail), text);
        }
        catch (HttpRequestException e)
        {
            return (new PouwCallResult(PouwCallOutcome.Retry, 0, false, "unreachable", e.Message), string.Empty);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            // HttpClient's own timeout, not the caller's cancellation.
            return (new PouwCallResult(PouwCallOutcome.Retry, 0, false, "timeout", e.Message), string.Empty);
        }
    }

    /// <summary>A problem answer's <c>reason</c> (the ticket checks' name) or its status, and its <c>detail</c>.</summary>
    private static (string Reason, string Detail) Problem(string text, int status)
    {
        var fallback = (status.ToString(System.Globalization.CultureInfo.InvariantCulture), text.Length > 300 ? text[..300] : text);
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? (Text(root, "reason") ?? fallback.Item1, Text(root, "detail") ?? Text(root, "title") ?? string.Empty)
                : fallback;
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
