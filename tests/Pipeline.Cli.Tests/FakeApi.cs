using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Cli.Tests;

/// <summary>
/// A stand-in for the Pipeline API on 127.0.0.1 with its shapes (tests/Pipeline.Api.Tests checks the client against the real
/// endpoints): inputs, batches, job pages, results, X-Api-Key, RFC 7807 problems. Jobs end when <see cref="Outcome"/> is set,
/// on the next status poll of their batch, as workers would.
/// </summary>
internal sealed class FakeApi : IAsyncDisposable
{
    public const string Key = "cli-test-key";

    /// <summary>A 1×1 PNG's first bytes: what each succeeded job's result is.</summary>
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

    private readonly Lock _gate = new();
    private LoopbackServer _server = null!;

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>Each request as "METHOD /path?query".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentDictionary<string, byte[]> Inputs { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FakeBatch> Batches { get; } = new(StringComparer.Ordinal);

    /// <summary>How each job ends at the next poll of its batch: (status, error code, message); null leaves jobs queued.</summary>
    public Func<FakeJob, (string Status, string? Code, string? Message)>? Outcome { get; set; }

    /// <summary>Answers every /v1 request with this status (e.g. 503) when set.</summary>
    public int? FailWith { get; set; }

    public static async Task<FakeApi> StartAsync()
    {
        var api = new FakeApi();
        api._server = await LoopbackServer.StartAsync(app => app.Run(api.HandleAsync));
        return api;
    }

    /// <summary>Adds a batch directly, as if submitted earlier.</summary>
    public FakeBatch AddBatch(string batchId, int jobs)
    {
        lock (_gate)
        {
            var batch = new FakeBatch(batchId, [.. Enumerable.Range(1, jobs).Select(i => new FakeJob($"{batchId}-{i:D6}", "generation", new JsonObject()))]);
            Batches[batchId] = batch;
            return batch;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        Requests.Enqueue($"{context.Request.Method} {path}{context.Request.QueryString}");
        if (context.Request.Headers["X-Api-Key"].ToString() != Key)
        {
            await Problem(context, 401, "Unauthorized", null);
            return;
        }

        if (FailWith is { } status)
        {
            await Problem(context, status, "Failing", "the fake API was told to fail");
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (context.Request.Method, segments)
        {
            case ("POST", ["v1", "inputs"]):
                using (var buffer = new MemoryStream())
                {
                    await context.Request.Body.CopyToAsync(buffer);
                    var key = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
                    var created = Inputs.TryAdd(key, buffer.ToArray());
                    await Json(context, created ? 201 : 200, new { key, length = buffer.Length });
                }

                break;
            case ("POST", ["v1", "batches"]):
                await SubmitAsync(context);
                break;
            case ("GET", ["v1", "batches", var id]):
                FakeBatch? batch;
                lock (_gate)
                {
                    batch = Batches.GetValueOrDefault(id);
                    if (batch is not null && Outcome is { } outcome)
                    {
                        foreach (var job in batch.Jobs.Where(j => j.Status == "queued"))
                        {
                            (job.Status, job.ErrorCode, job.ErrorMessage) = outcome(job);
                        }
                    }
                }

                await (batch is null ? Problem(context, 404, "Batch not found", $"no batch has the id '{id}'") : Json(context, 200, View(batch)));
                break;
            case ("GET", ["v1", "batches", var id, "jobs"]):
                await ListAsync(context, id);
                break;
            case ("GET", ["v1", "jobs", var id, "result"]):
                var succeeded = Batches.Values.SelectMany(b => b.Jobs).Any(j => j.JobId == id && j.Status == "succeeded");
                if (succeeded)
                {
                    context.Response.ContentType = "image/png";
                    await context.Response.Body.WriteAsync(Png);
                }
                else
                {
                    await Problem(context, 404, "Job not found", $"no job has the id '{id}'");
                }

                break;
            default:
                await Problem(context, 404, "Not found", path);
                break;
        }
    }

    private async Task SubmitAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var batchId = body["batchId"]!.GetValue<string>();
        FakeBatch batch;
        bool created;
        lock (_gate)
        {
            created = !Batches.TryGetValue(batchId, out var existing);
            batch = existing ?? new FakeBatch(batchId, [.. body["jobs"]!.AsArray().Select((j, i) => new FakeJob(
                j!["jobId"]?.GetValue<string>() ?? string.Create(CultureInfo.InvariantCulture, $"{batchId}.{i}"),
                j["kind"]!.GetValue<string>(), j.AsObject()))]);
            Batches[batchId] = batch;
        }

        await Json(context, created ? 202 : 200, View(batch));
    }

    private async Task ListAsync(HttpContext context, string batchId)
    {
        if (!Batches.TryGetValue(batchId, out var batch))
        {
            await Problem(context, 404, "Batch not found", $"no batch has the id '{batchId}'");
            return;
        }

        var limit = int.Parse(context.Request.Query["limit"].FirstOrDefault() ?? "100", CultureInfo.InvariantCulture);
        var after = context.Request.Query["after"].FirstOrDefault();
        var rest = batch.Jobs.Where(j => after is null || string.CompareOrdinal(j.JobId, after) > 0).OrderBy(j => j.JobId, StringComparer.Ordinal).ToList();
        var page = rest.Take(limit).ToList();
        await Json(context, 200, new
        {
            jobs = page.Select(j => new
            {
                jobId = j.JobId,
                batchId,
                kind = j.Kind,
                status = j.Status,
                error = j.ErrorCode is null ? null : new { code = j.ErrorCode, message = j.ErrorMessage, retryable = false },
            }),
            next = rest.Count > limit ? page[^1].JobId : null,
        });
    }

    private static object View(FakeBatch batch)
    {
        int Count(string status) => batch.Jobs.Count(j => j.Status == status);
        var ended = Count("succeeded") + Count("failed") + Count("canceled");
        var completed = ended == batch.Jobs.Count;
        if (completed)
        {
            batch.CompletedAt ??= DateTimeOffset.UtcNow;
        }

        return new
        {
            batchId = batch.BatchId,
            status = completed ? "completed" : "open",
            expectedJobs = batch.Jobs.Count,
            submittedAt = batch.SubmittedAt,
            completedAt = completed ? batch.CompletedAt : null,
            counts = new { queued = Count("queued"), running = Count("running"), succeeded = Count("succeeded"), failed = Count("failed"), canceled = Count("canceled") },
        };
    }

    private static Task Json(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }

    private static Task Problem(HttpContext context, int status, string title, string? detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { title, status, detail }));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

internal sealed record FakeBatch(string BatchId, List<FakeJob> Jobs)
{
    /// <summary>What the batch view reports as submittedAt.</summary>
    public DateTimeOffset SubmittedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>What the batch view reports as completedAt once every job ended (when the last one did, unless set).</summary>
    public DateTimeOffset? CompletedAt { get; set; }
}

internal sealed class FakeJob(string jobId, string kind, JsonObject request)
{
    public string JobId { get; } = jobId;
    public string Kind { get; } = kind;
    public JsonObject Request { get; } = request;
    public string Status { get; set; } = "queued";
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
}
