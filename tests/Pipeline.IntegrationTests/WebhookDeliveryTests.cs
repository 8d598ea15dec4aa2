using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Webhooks;

namespace Pipeline.IntegrationTests;

/// <summary>
/// Callbacks from a real worker to a real receiver on loopback that refuses the first three deliveries of every event:
/// the worker retries, signs every attempt, and keeps the event id.
/// </summary>
[Collection(RealServices.Name)]
public sealed class WebhookDeliveryTests
{
    private const string Secret = "integration-webhook-secret-0123456789abcdef";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>Webhooks on, loopback allowed (the receiver is on 127.0.0.1), retries quick.</summary>
    public static Dictionary<string, string?> WebhookSettings() => new()
    {
        ["Pipeline:Webhooks:Secret"] = Secret,
        ["Pipeline:Webhooks:AllowPrivateNetworks"] = "true",
        ["Pipeline:Webhooks:MaxRetryAttempts"] = "6",
        ["Pipeline:Webhooks:BaseDelay"] = "00:00:00.100",
        ["Pipeline:Webhooks:MaxDelay"] = "00:00:00.500",
        ["Pipeline:Webhooks:AttemptTimeout"] = "00:00:05",
    };

    [ServiceFact]
    public async Task JobAndBatchWithCallbacks_ReceiverFailsThreeTimes_SignedEventsDeliveredWithStableIds()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failuresPerEvent: 3);
        await using var stack = await TestPipeline.StartAsync("webhooks");
        await stack.StartWorkerAsync(WebhookSettings());

        var (status, _) = await stack.Client.SubmitAsync(new
        {
            jobId = "hook-job",
            kind = "generation",
            priority = "interactive",
            steps = 3,
            callbackUrl = receiver.Url("jobs").ToString(),
        });
        using var batch = await stack.Client.Http.PostAsJsonAsync("/v1/batches", new
        {
            batchId = "hook-batch",
            callbackUrl = receiver.Url("batches").ToString(),
            jobs = new object[] { TestJobs.Generation("hook-batch-0", steps: 2), TestJobs.Generation("hook-batch-1", "bulk", steps: 2) },
        });
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);

        var jobDeliveries = await receiver.WaitForAcceptedAsync("/jobs", WebhookEventTypes.JobCompleted, Deadline);
        var batchDeliveries = await receiver.WaitForAcceptedAsync("/batches", WebhookEventTypes.BatchCompleted, Deadline);

        AssertRetriedAndSigned(jobDeliveries, WebhookEvents.EventIdFor(WebhookEventTypes.JobCompleted, "hook-job"));
        AssertRetriedAndSigned(batchDeliveries, WebhookEvents.EventIdFor(WebhookEventTypes.BatchCompleted, "hook-batch"));
        using (var job = JsonDocument.Parse(jobDeliveries[^1].Body))
        {
            Assert.Equal(WebhookEventTypes.JobCompleted, job.RootElement.GetProperty("type").GetString());
            Assert.Equal("hook-job", job.RootElement.GetProperty("data").GetProperty("jobId").GetString());
            Assert.Equal(3, job.RootElement.GetProperty("data").GetProperty("stepsUsed").GetInt32());
        }

        using (var completed = JsonDocument.Parse(batchDeliveries[^1].Body))
        {
            var data = completed.RootElement.GetProperty("data");
            Assert.Equal("hook-batch", data.GetProperty("batchId").GetString());
            Assert.Equal((2, 2, 0), (data.GetProperty("total").GetInt32(), data.GetProperty("succeeded").GetInt32(), data.GetProperty("failed").GetInt32()));
        }

        // The batch's jobs had no callback of their own: only the batch event went to the batch's URL.
        Assert.All(receiver.Deliveries.Where(d => d.Path == "/batches"),
            d => Assert.Equal(WebhookEventTypes.BatchCompleted, d.Header(WebhookHeaders.EventType)));
        var record = await stack.Client.GetJobAsync("hook-job");
        Assert.Equal("succeeded", record!["status"]!.GetValue<string>());
    }

    private static void AssertRetriedAndSigned(IReadOnlyList<WebhookReceiver.Delivery> deliveries, string eventId)
    {
        // Three refusals, then the accepted attempt (a redelivered event would add more under the same id).
        Assert.True(deliveries.Count >= 4, $"expected at least 4 deliveries, got {deliveries.Count}");
        Assert.Equal([500, 500, 500, 200], deliveries.Take(4).Select(d => d.Status));
        Assert.Equal(["1", "2", "3", "4"], deliveries.Take(4).Select(d => d.Header(WebhookHeaders.Attempt)));
        Assert.All(deliveries, d =>
        {
            Assert.Equal(eventId, d.Header(WebhookHeaders.EventId));
            Assert.Equal(WebhookVerification.Valid,
                WebhookSignature.Verify(Secret, d.Header(WebhookHeaders.Signature), d.Header(WebhookHeaders.Timestamp), d.Body, d.ReceivedAt));
            Assert.Equal(WebhookVerification.Mismatch,
                WebhookSignature.Verify(Secret + "x", d.Header(WebhookHeaders.Signature), d.Header(WebhookHeaders.Timestamp), d.Body, d.ReceivedAt));
            using var body = JsonDocument.Parse(d.Body);
            Assert.Equal(eventId, body.RootElement.GetProperty("id").GetString());
        });
    }
}
