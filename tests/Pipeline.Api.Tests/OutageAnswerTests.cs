using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Pipeline.Api.Errors;
using Pipeline.Api.Hosting;
using Pipeline.ServiceDefaults;

namespace Pipeline.Api.Tests;

/// <summary>
/// 503 with Retry-After while PostgreSQL or RabbitMQ is unavailable, on the real Api host: the outage is real (a closed
/// port), not a mock. The shared services are never stopped. No answer carries exception text.
/// </summary>
public sealed class OutageAnswerTests
{
    private const string Key = "outage-key";

    [Fact]
    public async Task DatabaseOnAClosedPort_SubmissionsAndStatusReads503WithRetryAfter()
    {
        var settings = Settings($"Host=127.0.0.1;Port={ClosedPort()};Username=pipeline;Password=pipeline;Database=pipeline;Timeout=3");
        settings["Pipeline:Storage:Jobs:MigrateOnStart"] = "false";
        settings["Pipeline:RabbitMq:Host"] = "127.0.0.1";
        settings["Pipeline:RabbitMq:Port"] = ClosedPort().ToString(CultureInfo.InvariantCulture);
        await using var api = await StartApiAsync(settings);
        using var http = Http(api);

        var answers = new[]
        {
            await Door.SendAsync(http, "/v1/jobs", JsonContent.Create(new { kind = "generation", steps = 2 })),
            await Door.SendAsync(http, "/v1/batches", JsonContent.Create(new { jobs = new[] { new { kind = "generation" } } })),
            await Door.GetAsync(http, "/v1/jobs/some-job"),
            await Door.GetAsync(http, "/v1/batches/some-batch"),
        };

        foreach (var answer in answers)
        {
            Assert.True(answer.Status == HttpStatusCode.ServiceUnavailable, answer.ToString());
            Assert.Equal(ExceptionProblems.OutageRetryAfterSeconds.ToString(CultureInfo.InvariantCulture), answer.RetryAfter);
            Assert.Equal([ApiErrorCodes.StoreUnavailable], answer.Codes);
            Assert.False(string.IsNullOrEmpty(answer.Body!["traceId"]?.GetValue<string>()), answer.ToString());
            Door.AssertNoExceptionText(answer);
        }
    }

    [PostgresFact]
    public async Task BrokerOnAClosedPort_Submission503WithRetryAfterAndTheJobRecordedForTheRetry()
    {
        var settings = Settings(PostgresEnvironment.Require());
        settings["Pipeline:RabbitMq:Host"] = "127.0.0.1";
        settings["Pipeline:RabbitMq:Port"] = ClosedPort().ToString(CultureInfo.InvariantCulture);
        settings["Pipeline:Api:SendTimeout"] = "00:00:01";
        await using var api = await StartApiAsync(settings);
        using var http = Http(api);
        var jobId = "outage-broker-" + Guid.NewGuid().ToString("N");

        var submitted = await Door.SendAsync(http, "/v1/jobs", JsonContent.Create(new { jobId, kind = "generation", steps = 2 }));
        var status = await Door.GetAsync(http, $"/v1/jobs/{jobId}");
        var cancel = await Door.SendAsync(http, $"/v1/jobs/{jobId}/cancel", JsonContent.Create(new { reason = "test" }));

        Assert.True(submitted.Status == HttpStatusCode.ServiceUnavailable, submitted.ToString());
        Assert.Equal(ExceptionProblems.OutageRetryAfterSeconds.ToString(CultureInfo.InvariantCulture), submitted.RetryAfter);
        Assert.Equal([ApiErrorCodes.BrokerUnavailable], submitted.Codes);
        Door.AssertNoExceptionText(submitted);
        Assert.True(status.Status == HttpStatusCode.OK, status.ToString());
        Assert.Equal("queued", status.Body!["status"]!.GetValue<string>());
        Assert.True(cancel.Status == HttpStatusCode.ServiceUnavailable, cancel.ToString());
        Assert.NotNull(cancel.RetryAfter);
        Door.AssertNoExceptionText(cancel);
    }

    private static Dictionary<string, string?> Settings(string database) => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Pipeline:Api:ApiKeys:0"] = Key,
        ["Pipeline:Storage:Jobs:ConnectionString"] = database,
        ["Pipeline:Storage:Files:RootPath"] = Path.Join(Path.GetTempPath(), "pipeline-outage-tests"),
    };

    private static Task<LoopbackServer> StartApiAsync(Dictionary<string, string?> settings) =>
        LoopbackServer.StartAsync(ApiApplication.CreateBuilder(["--environment", "Testing"], b => b.Configuration.AddInMemoryCollection(settings)), app =>
        {
            app.MapDefaultEndpoints();
            app.MapApiEndpoints();
        });

    private static HttpClient Http(LoopbackServer api)
    {
        var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return http;
    }

    /// <summary>A loopback port nothing listens on: bound by the OS, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
