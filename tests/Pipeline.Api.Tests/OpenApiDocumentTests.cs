using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Api.Tests;

/// <summary>
/// /openapi/v1.json describes the whole HTTP surface the Api maps (its own /v1 endpoints and the /v1/schedules operations
/// it forwards to the Scheduler), with an example on every JSON body. The routes are read from the app's endpoint data
/// source, so an endpoint added later is checked without changing this test.
/// </summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    // Nothing listens there: building the document forwards nothing.
    private static readonly Uri Scheduler = new("http://127.0.0.1:9/");

    // Routes that may stay out of the document: the document itself.
    private static readonly HashSet<string> Undescribed = new(StringComparer.Ordinal) { "/openapi/{documentName}.json" };

    private InMemoryApi _api = null!;
    private JsonDocument _document = null!;

    public async Task InitializeAsync()
    {
        _api = await InMemoryApi.StartAsync(Scheduler);
        using var anonymous = _api.CreateHttp(apiKey: null);
        _document = JsonDocument.Parse(await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
    }

    public async Task DisposeAsync()
    {
        _document.Dispose();
        await _api.DisposeAsync();
    }

    private JsonElement Paths => _document.RootElement.GetProperty("paths");

    [Fact]
    public void EveryMappedRoute_AppearsWithEachOfItsMethods()
    {
        var endpoints = _api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var missing = new List<string>();
        var undescribed = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var path = OpenApiPath(endpoint.RoutePattern);
            if (endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
            {
                undescribed.Add(path);
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["(every method)"];
            foreach (var method in methods)
            {
                if (!Paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out _))
                {
                    missing.Add($"{method} {path}");
                }
            }
        }

        Assert.True(endpoints.Count > 10, $"only {endpoints.Count} endpoints found: is the data source the app's?");
        Assert.Empty(missing);
        Assert.All(undescribed, path => Assert.Contains(path, Undescribed));
    }

    [Fact]
    public void ForwardedScheduleOperations_DescribedWithTheirBodies()
    {
        string[] expected =
        [
            "get /v1/schedules", "post /v1/schedules", "get /v1/schedules/{id}", "put /v1/schedules/{id}", "delete /v1/schedules/{id}",
            "post /v1/schedules/{id}/run", "get /v1/schedules/{id}/runs",
        ];
        var described = Paths.EnumerateObject().Where(p => p.Name.StartsWith("/v1/schedules", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete").Select(o => $"{o.Name} {p.Name}"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), described.Order(StringComparer.Ordinal));

        var create = Paths.GetProperty("/v1/schedules").GetProperty("post");
        var schedule = Schema(create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.True(schedule.GetProperty("properties").TryGetProperty("cron", out _), schedule.ToString());
        Assert.True(schedule.GetProperty("properties").TryGetProperty("source", out _), schedule.ToString());
        Assert.True(create.GetProperty("responses").TryGetProperty("422", out _), "POST /v1/schedules declares its 422");

        var runNow = Paths.GetProperty("/v1/schedules/{id}/run").GetProperty("post").GetProperty("responses");
        var answer = Schema(runNow.GetProperty("202").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.True(answer.GetProperty("properties").TryGetProperty("batchId", out _), answer.ToString());
        Assert.True(runNow.TryGetProperty("200", out _), "run now declares 200 for a period that already has a run");

        var runs = Paths.GetProperty("/v1/schedules/{id}/runs").GetProperty("get");
        Assert.Contains("limit", runs.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal("ListScheduleRuns", runs.GetProperty("operationId").GetString());
    }

    [Fact]
    public void EveryJsonBody_HasAnExample()
    {
        var missing = new List<string>();
        var bodies = 0;
        foreach (var path in Paths.EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("responses", out _)))
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                if (operation.Value.TryGetProperty("requestBody", out var request))
                {
                    Check(request, $"{name} request");
                }

                foreach (var response in operation.Value.GetProperty("responses").EnumerateObject())
                {
                    Check(response.Value, $"{name} {response.Name}");
                }
            }
        }

        Assert.True(bodies > 30, $"only {bodies} JSON bodies found");
        Assert.Empty(missing);

        void Check(JsonElement body, string where)
        {
            if (!body.TryGetProperty("content", out var content))
            {
                return;
            }

            foreach (var media in content.EnumerateObject().Where(m => m.Name.EndsWith("json", StringComparison.Ordinal)))
            {
                bodies++;
                if (!media.Value.TryGetProperty("example", out _))
                {
                    missing.Add($"{where} ({media.Name})");
                }
            }
        }
    }

    [Fact]
    public void Examples_AreTheBodiesTheyIllustrate()
    {
        var runs = Paths.GetProperty("/v1/schedules/{id}/runs").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("example");
        var page = Paths.GetProperty("/v1/batches/{batchId}/jobs").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("example");
        var invalid = Paths.GetProperty("/v1/jobs").GetProperty("post").GetProperty("responses").GetProperty("400")
            .GetProperty("content").GetProperty("application/problem+json").GetProperty("example");

        Assert.Equal(["completed", "failed"], runs.EnumerateArray().Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind); // the last page says next: null
        Assert.Equal(400, invalid.GetProperty("status").GetInt32());
        Assert.True(invalid.GetProperty("errors").TryGetProperty("steps", out _), invalid.ToString());
    }

    /// <summary>A route pattern as OpenAPI spells its path: literal segments, and each parameter as {name}.</summary>
    private static string OpenApiPath(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new InvalidOperationException($"unknown route part {part}"),
        }))));

    private JsonElement Schema(JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? _document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;
}
