using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipeline.TestSupport;

namespace Pipeline.Api.Tests;

/// <summary>
/// /v1/schedules through the API: forwarded as sent to the Scheduler host (a loopback stand-in here) when
/// Pipeline:Api:SchedulerUrl is set, after the API's own key check; a clear 404 when it is not.
/// </summary>
public sealed class ScheduleForwardingTests
{
    [Fact]
    public async Task Forwarded_MethodPathQueryBodyAndKeyReachTheScheduler_AndItsAnswerComesBack()
    {
        await using var scheduler = await StandInScheduler.StartAsync();
        await using var api = await InMemoryApi.StartAsync(scheduler.BaseAddress);
        using var http = api.CreateHttp();

        using var body = new StringContent("""{"id":"nightly"}""", Encoding.UTF8, "application/json");
        using var created = await http.PutAsync(new Uri("/v1/schedules/nightly?dryRun=true", UriKind.Relative), body);
        using var listed = await http.GetAsync(new Uri("/v1/schedules", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/schedules/nightly", created.Headers.Location?.OriginalString);
        Assert.Equal("PUT /v1/schedules/nightly?dryRun=true", JsonNode.Parse(await created.Content.ReadAsStringAsync())!["saw"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, listed.StatusCode);
        var seen = scheduler.Requests.ToArray();
        Assert.Equal(2, seen.Length);
        Assert.Equal(new StandInScheduler.Request("PUT", "/v1/schedules/nightly", "?dryRun=true", """{"id":"nightly"}""", InMemoryApi.ApiKey), seen[0]);
        Assert.Equal(new StandInScheduler.Request("GET", "/v1/schedules", "", "", InMemoryApi.ApiKey), seen[1]);
    }

    [Fact]
    public async Task Forwarded_WithoutAKey_IsRefusedByTheApiAndNeverReachesTheScheduler()
    {
        await using var scheduler = await StandInScheduler.StartAsync();
        await using var api = await InMemoryApi.StartAsync(scheduler.BaseAddress);
        using var anonymous = api.CreateHttp(apiKey: null);

        using var response = await anonymous.GetAsync(new Uri("/v1/schedules", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(scheduler.Requests);
    }

    [Fact]
    public async Task NotConfigured_Answers404SayingWhichSettingForwardsSchedules()
    {
        await using var api = await InMemoryApi.StartAsync();
        using var http = api.CreateHttp();

        using var response = await http.GetAsync(new Uri("/v1/schedules/nightly", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("Pipeline__Api__SchedulerUrl", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>Records every request and answers 201 with where it was sent.</summary>
    private sealed class StandInScheduler : IAsyncDisposable
    {
        private readonly LoopbackServer _server;

        private StandInScheduler(LoopbackServer server, ConcurrentQueue<Request> requests) => (_server, Requests) = (server, requests);

        public sealed record Request(string Method, string Path, string Query, string Body, string? ApiKey);

        public ConcurrentQueue<Request> Requests { get; }

        public Uri BaseAddress => _server.BaseAddress;

        public static async Task<StandInScheduler> StartAsync()
        {
            var requests = new ConcurrentQueue<Request>();
            var server = await LoopbackServer.StartAsync(app => app.Map("/{**path}", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var request = new Request(context.Request.Method, context.Request.Path.Value!, context.Request.QueryString.Value ?? "",
                    await reader.ReadToEndAsync(), context.Request.Headers["X-Api-Key"].FirstOrDefault());
                requests.Enqueue(request);
                return Results.Created(request.Path, new { saw = $"{request.Method} {request.Path}{request.Query}" });
            }));
            return new StandInScheduler(server, requests);
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
