using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Contracts.Fleet;
using Polly.Timeout;

namespace Pipeline.Client;

/// <summary>
/// The Pipeline API over one <see cref="HttpClient"/> (register it with
/// <see cref="PipelineClientServiceCollectionExtensions.AddPipelineClient"/>, which adds the API key and the retry
/// handler). Every call is safe to retry: batches and jobs are keyed by client-chosen ids, inputs by their content.
/// Errors: <see cref="PipelineApiException"/> for an error status, <see cref="PipelineApiUnreachableException"/> when
/// no answer came.
/// </summary>
public sealed class PipelineApiClient(HttpClient http)
{
    /// <summary>The header carrying the API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The API's base address.</summary>
    public Uri? BaseAddress => http.BaseAddress;

    /// <summary>
    /// <c>POST /v1/batches</c>: records the batch and queues its jobs. Submitting the same batch id again is a no-op
    /// (<see cref="BatchSubmission.Created"/> false) that returns its status, and queues any job a cut-short first call missed.
    /// </summary>
    public async Task<BatchSubmission> SubmitBatchAsync(BatchRequest batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureId(batch.BatchId, nameof(batch));
        using var content = JsonContent.Create(batch, options: ContractJson.Options);
        var what = $"submitting batch {batch.BatchId}";
        using var response = await SendAsync(() => http.PostAsync(new Uri("v1/batches", UriKind.Relative), content, cancellationToken), what)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        var status = await ReadAsync<BatchView>(response, cancellationToken).ConfigureAwait(false);
        return new BatchSubmission(status, response.StatusCode == HttpStatusCode.Accepted);
    }

    /// <summary><c>GET /v1/batches/{id}</c>, or null when the API has no such batch (yet).</summary>
    public async Task<BatchView?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var uri = BatchUri(batchId, "");
        var what = $"reading batch {batchId}";
        using var response = await SendAsync(() => http.GetAsync(uri, cancellationToken), what).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<BatchView>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /v1/batches/{id}/jobs?limit=&amp;after=</c>: up to <paramref name="limit"/> (1–1000) jobs after
    /// <paramref name="after"/> in job-id order, and the <c>after</c> of the next page (null on the last). An unknown
    /// batch is a <see cref="PipelineApiException"/> with 404.
    /// </summary>
    public async Task<BatchJobsPage> ListBatchJobsAsync(string batchId, string? after, int limit = 500, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        var query = $"/jobs?limit={limit}" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
        var uri = BatchUri(batchId, query);
        var what = $"listing the jobs of batch {batchId}";
        using var response = await SendAsync(() => http.GetAsync(uri, cancellationToken), what).ConfigureAwait(false);
        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<BatchJobsPage>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /v1/inputs</c>: stores an image or mask and returns its key for <c>sourceImageKey</c> /
    /// <c>maskImageKey</c>. The key is the content's SHA-256, so uploading the same bytes twice is harmless. Too large:
    /// a <see cref="PipelineApiException"/> with 413.
    /// </summary>
    public async Task<UploadedInput> UploadInputAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        using var body = new ReadOnlyMemoryContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        const string what = "uploading an input image";
        using var response = await SendAsync(() => http.PostAsync(new Uri("v1/inputs", UriKind.Relative), body, cancellationToken), what)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<UploadedInput>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /v1/jobs/{id}/result</c>: copies the result PNG into <paramref name="destination"/>. False when the job
    /// has no result (404: unknown job, or its file is missing). The body is streamed, not buffered.
    /// </summary>
    public async Task<bool> DownloadResultAsync(string jobId, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        EnsureId(jobId, nameof(jobId));
        var uri = new Uri($"v1/jobs/{jobId}/result", UriKind.Relative);
        var what = $"downloading the result of job {jobId}";
        using var response = await SendAsync(() => http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken), what)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        await response.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// <c>GET /v1/workers</c>: the live workers, the queue by priority with its oldest job, and the last minute's throughput.
    /// Needs an admin key: with another key the API answers 403, a <see cref="PipelineApiException"/> with that status.
    /// </summary>
    public async Task<FleetStatus> GetFleetStatusAsync(CancellationToken cancellationToken = default)
    {
        const string what = "reading the fleet status";
        using var response = await SendAsync(() => http.GetAsync(new Uri("v1/workers", UriKind.Relative), cancellationToken), what).ConfigureAwait(false);
        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<FleetStatus>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send, string what)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new PipelineApiUnreachableException($"{what}: cannot reach the API at {http.BaseAddress}: {e.Message}", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new PipelineApiUnreachableException($"{what}: the API at {http.BaseAddress} did not answer within {e.Timeout.TotalSeconds:0.#} s", e);
        }
    }

    private static Uri BatchUri(string batchId, string suffix)
    {
        EnsureId(batchId, nameof(batchId));
        return new Uri($"v1/batches/{batchId}{suffix}", UriKind.Relative);
    }

    // Ids go into paths: the id rule (no '/', no '..') keeps a crafted id from reaching another endpoint.
    private static void EnsureId(string? id, string name)
    {
        if (!JobIds.IsValid(id))
        {
            throw new ArgumentException($"{name} must match {JobIds.Pattern}", name);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(ContractJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new PipelineApiException(response.StatusCode, $"the API answered {(int)response.StatusCode} with an empty body", null);
        }
        catch (JsonException e)
        {
            throw new PipelineApiException(response.StatusCode, $"the API's answer is not the expected JSON: {e.Message}", null);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var detail = ProblemDetail(body);
        throw new PipelineApiException(response.StatusCode,
            $"{what}: the API answered {(int)response.StatusCode} {response.ReasonPhrase}" + (detail is null ? "" : $": {detail}"), body);
    }

    private static readonly string[] ProblemTextFields = ["detail", "title"];

    // RFC 7807 problems carry 'detail' (our validation problems: 'errors' by field); fall back to 'title'.
    private static string? ProblemDetail(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var text = ProblemTextFields
                .Select(name => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null)
                .FirstOrDefault(s => !string.IsNullOrEmpty(s));
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                var fields = errors.EnumerateObject()
                    .SelectMany(f => f.Value.ValueKind == JsonValueKind.Array ? f.Value.EnumerateArray().Select(m => $"{f.Name}: {m}") : [])
                    .ToList();
                if (fields.Count > 0)
                {
                    var shown = string.Join("; ", fields.Take(5)) + (fields.Count > 5 ? $"; … and {fields.Count - 5} more" : "");
                    text = text is null ? shown : $"{text} ({shown})";
                }
            }

            return text;
        }
        catch (JsonException)
        {
            return body.Length > 500 ? body[..500] : body;
        }
    }
}
