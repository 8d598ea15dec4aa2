using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>The Api over HTTP, as a client sees it.</summary>
public sealed class PipelineClient : IDisposable
{
    public PipelineClient(Uri baseAddress, string apiKey)
    {
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

    public HttpClient Http { get; }

    /// <summary>The last failed status read, for diagnostics.</summary>
    public string? LastError { get; private set; }

    /// <summary>POSTs a job; returns the status code and the body.</summary>
    public async Task<(HttpStatusCode Status, JsonObject Body)> SubmitAsync(object job, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(job) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await ReadObjectAsync(response));
    }

    /// <summary>Uploads bytes; returns the input key.</summary>
    public async Task<string> UploadAsync(byte[] bytes)
    {
        using var response = await Http.PostAsync(new Uri("/v1/inputs", UriKind.Relative), new ByteArrayContent(bytes));
        var body = await ReadObjectAsync(response);
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["key"]!.GetValue<string>();
    }

    /// <summary>The job's status document, or null when unknown.</summary>
    public async Task<JsonObject?> GetJobAsync(string jobId)
    {
        using var response = await Http.GetAsync(new Uri($"/v1/jobs/{jobId}", UriKind.Relative));
        if (response.IsSuccessStatusCode)
        {
            return await ReadObjectAsync(response);
        }

        // Unknown, or the Api could not answer this time (the caller polls again): remember why for the timeout message.
        LastError = $"GET /v1/jobs/{jobId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        return null;
    }

    /// <summary>Waits until every job has one of <paramref name="terminal"/> statuses; returns their documents.</summary>
    public async Task<Dictionary<string, JsonObject>> WaitForAllAsync(IReadOnlyCollection<string> jobIds, TimeSpan timeout,
        params string[] terminal)
    {
        terminal = terminal.Length == 0 ? ["succeeded", "failed", "canceled"] : terminal;
        var done = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var pending = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        await Poll.UntilAsync(async () =>
        {
            foreach (var id in jobIds.Where(id => !done.ContainsKey(id)).Take(64).ToList())
            {
                var job = await GetJobAsync(id);
                if (job is not null && terminal.Contains(job["status"]!.GetValue<string>()))
                {
                    done[id] = job;
                    pending.Remove(id);
                }
                else
                {
                    pending[id] = job;
                }
            }

            return done.Count == jobIds.Count;
        }, timeout, () => $"{jobIds.Count - done.Count} of {jobIds.Count} jobs still not ended; " +
            // The last status document of each (status, attempts, worker, updated) tells lost from slow.
            $"{string.Join("; ", pending.Take(5).Select(p => $"{p.Key}: {p.Value?.ToJsonString() ?? "(no record)"}"))}; last error: {LastError}");
        return done;
    }

    public static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? throw new JsonException($"not an object: {text}");
    }

    public void Dispose() => Http.Dispose();
}
