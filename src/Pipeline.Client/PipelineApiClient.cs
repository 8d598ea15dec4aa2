using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Client;

/// <summary>
/// The Pipeline API over one <see cref="HttpClient"/> (register it with
/// <see cref="PipelineClientServiceCollectionExtensions.AddPipelineClient"/>, which adds the API key and the retry
/// handler). Every call is safe to retry: batches and jobs are keyed by client-chosen ids.
/// </summary>
public sealed class PipelineApiClient(HttpClient http)
{
    /// <summary>The header carrying the API key.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary><c>POST /v1/batches</c>: records the batch and queues its jobs. Submitting the same batch id again is a no-op that returns its status.</summary>
    public async Task<BatchStatus> SubmitBatchAsync(SubmitBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var content = JsonContent.Create(batch, options: ContractJson.Options);
        using var response = await http.PostAsync(new Uri("v1/batches", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"submitting batch {batch.BatchId}", cancellationToken).ConfigureAwait(false);
        return await ReadAsync<BatchStatus>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /v1/batches/{id}</c>, or null when the API has no such batch (yet).</summary>
    public async Task<BatchStatus?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(BatchUri(batchId, ""), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"reading batch {batchId}", cancellationToken).ConfigureAwait(false);
        return await ReadAsync<BatchStatus>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /v1/batches/{id}/jobs?after=&amp;limit=</c>: the jobs after <paramref name="after"/> in job-id order.</summary>
    public async Task<BatchJobsPage> ListBatchJobsAsync(string batchId, string? after, int limit = 500, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var query = $"/jobs?limit={limit}" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
        using var response = await http.GetAsync(BatchUri(batchId, query), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"listing the jobs of batch {batchId}", cancellationToken).ConfigureAwait(false);
        return await ReadAsync<BatchJobsPage>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /v1/jobs/{id}/result</c>: copies the result PNG into <paramref name="destination"/>. False when the job
    /// has no result (404). The body is streamed, not buffered.
    /// </summary>
    public async Task<bool> DownloadResultAsync(string jobId, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        EnsureId(jobId, nameof(jobId));
        using var response = await http.GetAsync(new Uri($"v1/jobs/{jobId}/result", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, $"downloading the result of job {jobId}", cancellationToken).ConfigureAwait(false);
        await response.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static Uri BatchUri(string batchId, string suffix)
    {
        EnsureId(batchId, nameof(batchId));
        return new Uri($"v1/batches/{batchId}{suffix}", UriKind.Relative);
    }

    // Ids go into paths: the id rule (no '/', no '..') keeps a crafted id from reaching another endpoint.
    private static void EnsureId(string id, string name)
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

    // RFC 7807 problems carry 'detail' (and our validation answers 'errors'); fall back to 'title'.
    private static string? ProblemDetail(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var name in new[] { "detail", "title" })
            {
                if (json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }
            }
        }
        catch (JsonException)
        {
            return body.Length > 500 ? body[..500] : body;
        }

        return null;
    }
}
