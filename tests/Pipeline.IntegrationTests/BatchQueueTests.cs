using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Npgsql;
using Pipeline.Contracts;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Messaging;
using RabbitMQ.Client;

namespace Pipeline.IntegrationTests;

/// <summary>
/// <see cref="SubmitBatch"/> straight onto <c>pipeline-batches</c>, as the Scheduler and plain AMQP clients send it: the
/// worker fans it out into prioritised jobs that all run, once, however often the batch arrives.
/// </summary>
[Collection(RealServices.Name)]
public sealed class BatchQueueTests
{
    private const string CopyQueue = "it-job-copies";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [ServiceFact]
    public async Task SubmitBatch_RawJsonThenEnvelopeCopy_FannedOutOnceWithPriorities_SecondCopyMakesNothingNew()
    {
        await using var stack = await TestPipeline.StartAsync("batchq");
        await stack.StartWorkerAsync();
        await BindCopyQueueAsync(stack);
        var source = await stack.Client.UploadAsync(TestJobs.Png(3));
        var batch = new SubmitBatch
        {
            BatchId = "bq-1",
            Jobs =
            [
                new SubmitJob { JobId = "bq-1.gen-i", Kind = JobKinds.Generation, Priority = JobPriorities.Interactive, Steps = 3 },
                new SubmitJob { JobId = "bq-1.gen-s", Kind = JobKinds.Generation, Priority = JobPriorities.Standard, Steps = 3, Seed = 7 },
                new SubmitJob { JobId = "bq-1.var-b", Kind = JobKinds.Variation, Priority = JobPriorities.Bulk, Steps = 3, SourceImageKey = source, Strength = 0.5f },
                new SubmitJob
                {
                    JobId = "bq-1.inp-b", Kind = JobKinds.Inpainting, Priority = JobPriorities.Bulk, Steps = 3, SourceImageKey = source,
                    MaskRectangles = [new MaskRectangle { X = 4, Y = 4, Width = 8, Height = 8 }],
                },
            ],
        };
        var ids = batch.Jobs.Select(j => j.JobId).ToList();

        await PublishRawAsync(stack, JsonSerializer.Serialize(batch, ContractJson.Options));
        var first = await stack.Client.WaitForAllAsync(ids, Deadline);

        Assert.All(first.Values, job => Assert.Equal("succeeded", job["status"]!.GetValue<string>()));
        Assert.All(first.Values, job => Assert.Equal("bq-1", job["batchId"]!.GetValue<string>()));
        // The worker completes the batch just after its last job's record, so the view may still say open for a moment.
        var view = await Poll.UntilAsync(async () =>
        {
            var batchView = await BatchAsync(stack, "bq-1");
            return batchView["status"]!.GetValue<string>() == "completed" ? batchView : null;
        }, Deadline, () => "batch bq-1 completed");
        Assert.Equal(("completed", 4, 4), (view["status"]!.GetValue<string>(), view["expectedJobs"]!.GetValue<int>(),
            view["counts"]!["succeeded"]!.GetValue<int>()));
        // Each job went to the job queue once, with its class's AMQP priority (a copy of everything routed to it lands here).
        var sent = await DrainCopiesAsync(stack);
        Assert.Equal(ids.Order(StringComparer.Ordinal), sent.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([9, 5, 1, 1], ids.Select(id => (int)sent[id]));

        // The same batch again, this time as a MassTransit envelope (the Scheduler's encoding).
        await SendEnvelopeAsync(stack, batch);
        await Poll.UntilAsync(async () => await AckedAsync(stack, PipelineEndpoints.BatchQueue) >= 2, Deadline,
            () => "the second copy of the batch consumed and acknowledged");

        Assert.Empty(await DrainCopiesAsync(stack));
        var again = await stack.Client.WaitForAllAsync(ids, Deadline);
        foreach (var id in ids)
        {
            Assert.Equal(1, again[id]["attempts"]!.GetValue<int>());
            Assert.Equal(first[id]["finishedAt"]!.GetValue<DateTimeOffset>(), again[id]["finishedAt"]!.GetValue<DateTimeOffset>());
        }

        var after = await BatchAsync(stack, "bq-1");
        Assert.Equal(view["completedAt"]!.GetValue<DateTimeOffset>(), after["completedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(4, after["counts"]!["succeeded"]!.GetValue<int>());
        Assert.Equal(4, await JobRowsAsync(stack, "bq-1"));
    }

    [ServiceFact]
    public async Task SubmitBatch_BreaksTheContractOrNotJson_ToErrorQueueNothingRecorded_WorkerKeepsServing()
    {
        await using var stack = await TestPipeline.StartAsync("batchbad");
        await stack.StartWorkerAsync();

        await PublishRawAsync(stack, """{"batchId":"bad-1","jobs":[{"jobId":"bad-1.0","kind":"generation","steps":2},{"jobId":"bad-1.1","kind":"painting"}]}""");
        await PublishRawAsync(stack, "{ not json");
        await PublishRawAsync(stack, """{"batchId":"good-1","jobs":[{"jobId":"good-1.0","kind":"generation","steps":2}]}""");

        var good = await stack.Client.WaitForAllAsync(["good-1.0"], Deadline);
        Assert.Equal("succeeded", good["good-1.0"]["status"]!.GetValue<string>());
        await Poll.UntilAsync(async () =>
                await stack.QueueDepthAsync($"{PipelineEndpoints.BatchQueue}_error") + await stack.QueueDepthAsync($"{PipelineEndpoints.BatchQueue}_skipped") >= 2,
            Deadline, () => "the invalid and the unreadable batch in pipeline-batches_error");
        Assert.Null(await stack.Client.GetJobAsync("bad-1.0"));
        using var batch = await stack.Client.Http.GetAsync(new Uri("/v1/batches/bad-1", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, batch.StatusCode);
    }

    private static async Task<JsonObject> BatchAsync(TestPipeline stack, string batchId) =>
        (await stack.Client.Http.GetFromJsonAsync<JsonObject>($"/v1/batches/{batchId}"))!;

    /// <summary>Job records of the batch, counted in the stack's schema.</summary>
    private static async Task<long> JobRowsAsync(TestPipeline stack, string batchId)
    {
        await using var connection = new NpgsqlConnection(stack.PostgresConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{stack.Schema}\".jobs WHERE batch_id = @batch", connection);
        count.Parameters.AddWithValue("batch", batchId);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static ConnectionFactory Factory(TestPipeline stack) => new() { Uri = stack.Services.Rabbit!, VirtualHost = stack.VirtualHost };

    /// <summary>What a plain AMQP client does (schemas/README.md): default exchange, routing key = queue, JSON body.</summary>
    private static async Task PublishRawAsync(TestPipeline stack, string json)
    {
        await using var connection = await Factory(stack).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var properties = new BasicProperties
        {
            ContentType = PipelineEndpoints.RawJsonContentType,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = Guid.NewGuid().ToString(),
        };
        await channel.BasicPublishAsync("", PipelineEndpoints.BatchQueue, mandatory: true, properties, Encoding.UTF8.GetBytes(json));
    }

    /// <summary>What the Scheduler does: a MassTransit send to <c>queue:pipeline-batches</c>.</summary>
    private static async Task SendEnvelopeAsync(TestPipeline stack, SubmitBatch batch)
    {
        var settings = stack.Configuration();
        var options = new RabbitMqOptions
        {
            Host = settings["Pipeline:RabbitMq:Host"]!,
            Port = int.Parse(settings["Pipeline:RabbitMq:Port"]!, CultureInfo.InvariantCulture),
            VirtualHost = stack.VirtualHost,
            Username = stack.Services.RabbitUser,
            Password = stack.Services.RabbitPassword,
        };
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.UsePipelineBroker(options));
        await bus.StartAsync();
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{PipelineEndpoints.BatchQueue}"));
            await endpoint.Send(batch);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>A queue bound to the job queue's exchange (fanout): it gets a copy of every job message sent, properties and all.</summary>
    private static async Task BindCopyQueueAsync(TestPipeline stack)
    {
        await using var connection = await Factory(stack).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(CopyQueue, durable: false, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(CopyQueue, PipelineEndpoints.JobQueue, routingKey: "");
    }

    /// <summary>Takes every message out of the copy queue: job id → AMQP priority.</summary>
    private static async Task<Dictionary<string, byte>> DrainCopiesAsync(TestPipeline stack)
    {
        var copies = new Dictionary<string, byte>(StringComparer.Ordinal);
        await using var connection = await Factory(stack).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        while (await channel.BasicGetAsync(CopyQueue, autoAck: true) is { } message)
        {
            using var envelope = JsonDocument.Parse(message.Body);
            var jobId = envelope.RootElement.GetProperty("message").GetProperty("jobId").GetString()!;
            Assert.True(copies.TryAdd(jobId, message.BasicProperties.Priority), $"job {jobId} was sent more than once");
        }

        return copies;
    }

    /// <summary>Messages acknowledged from a queue so far, from the management API's statistics (they lag by a few seconds, never run ahead).</summary>
    private static async Task<int> AckedAsync(TestPipeline stack, string queue)
    {
        using var management = new HttpClient { BaseAddress = stack.Services.Management };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{stack.Services.RabbitUser}:{stack.Services.RabbitPassword}")));
        var info = await management.GetFromJsonAsync<JsonObject>($"api/queues/{Uri.EscapeDataString(stack.VirtualHost)}/{Uri.EscapeDataString(queue)}");
        return info?["message_stats"]?["ack"]?.GetValue<int>() ?? 0;
    }
}
