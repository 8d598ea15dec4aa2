using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Api.Tests;

/// <summary>Requests and answers for the door tests: every way an image reaches the Api, and what came back.</summary>
internal static class Door
{
    /// <summary>What the Api answered: status, the parsed body (null when not JSON), the raw body and the Retry-After header.</summary>
    public sealed record Answer(HttpStatusCode Status, JsonNode? Body, string Raw, string? RetryAfter)
    {
        /// <summary>Every code in the answer: the problem's <c>code</c> and each field's <c>codes</c>.</summary>
        public IReadOnlyList<string> Codes =>
        [
            .. Body?["code"] is JsonValue code ? [code.GetValue<string>()] : Array.Empty<string>(),
            .. (Body?["codes"] as JsonObject)?.SelectMany(f => f.Value!.AsArray().Select(c => c!.GetValue<string>())) ?? [],
        ];

        public override string ToString() => $"{(int)Status} {Raw}";
    }

    /// <summary>The upload paths an image can take, each turned into one request for the image <paramref name="bytes"/>.</summary>
    public static readonly IReadOnlyDictionary<string, Func<HttpClient, byte[], string, Task<Answer>>> SourcePaths =
        new Dictionary<string, Func<HttpClient, byte[], string, Task<Answer>>>(StringComparer.Ordinal)
        {
            ["inputs-raw"] = (http, bytes, _) => SendAsync(http, "/v1/inputs", Octets(bytes)),
            ["inputs-multipart"] = (http, bytes, _) => SendAsync(http, "/v1/inputs", Form(("file", bytes))),
            ["job-inline"] = (http, bytes, id) => SendAsync(http, "/v1/jobs",
                JsonContent.Create(new { jobId = id, kind = "variation", sourceImage = Convert.ToBase64String(bytes) })),
            ["job-multipart"] = (http, bytes, id) => SendAsync(http, "/v1/jobs", JobForm(new { jobId = id, kind = "variation" }, ("sourceImage", bytes))),
            ["batch-inline"] = (http, bytes, id) => SendAsync(http, "/v1/batches",
                JsonContent.Create(new { batchId = id, jobs = new[] { new { kind = "variation", sourceImage = Convert.ToBase64String(bytes) } } })),
        };

    public static ByteArrayContent Octets(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    public static MultipartFormDataContent Form(params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            form.Add(new ByteArrayContent(bytes), name, name + ".png");
        }

        return form;
    }

    /// <summary>A multipart job: the <c>job</c> JSON field and the image files.</summary>
    public static MultipartFormDataContent JobForm(object job, params (string Name, byte[] Bytes)[] files)
    {
        var form = Form(files);
        form.Add(new StringContent(System.Text.Json.JsonSerializer.Serialize(job)), "job");
        return form;
    }

    public static async Task<Answer> SendAsync(HttpClient http, string path, HttpContent content)
    {
        using (content)
        {
            using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content);
            return await ReadAsync(response);
        }
    }

    public static async Task<Answer> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return await ReadAsync(response);
    }

    public static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        var raw = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        try
        {
            body = raw.Length > 0 ? JsonNode.Parse(raw) : null;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return new Answer(response.StatusCode, body, raw, response.Headers.RetryAfter?.ToString());
    }

    /// <summary>Fails when <paramref name="answer"/> carries exception text: type names, stack frames, library sentences.</summary>
    public static void AssertNoExceptionText(Answer answer)
    {
        foreach (var marker in (string[])["Exception", "   at ", "Npgsql", "RabbitMQ.Client", "MassTransit", "SixLabors", "Object reference",
            "Index was outside", "Connection refused", "stack"])
        {
            Assert.False(answer.Raw.Contains(marker, StringComparison.Ordinal), $"the answer carries exception text ('{marker}'): {answer.Raw}");
        }
    }
}
