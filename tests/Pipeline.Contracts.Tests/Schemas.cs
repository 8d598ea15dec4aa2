using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Pipeline.Contracts;

namespace Pipeline.Contracts.Tests;

/// <summary>The message schemas of schemas/, loaded once, and the message type each describes.</summary>
internal static class Schemas
{
    public static readonly IReadOnlyDictionary<string, Type> MessageTypes = new Dictionary<string, Type>
    {
        ["submit-job"] = typeof(SubmitJob),
        ["submit-batch"] = typeof(SubmitBatch),
        ["cancel-job"] = typeof(CancelJob),
        ["job-accepted"] = typeof(JobAccepted),
        ["job-progressed"] = typeof(JobProgressed),
        ["job-completed"] = typeof(JobCompleted),
        ["job-failed"] = typeof(JobFailed),
        ["job-canceled"] = typeof(JobCanceled),
        ["batch-completed"] = typeof(BatchCompleted),
    };

    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "schemas");

    private static readonly Lazy<Dictionary<string, JsonSchema>> Loaded = new(Load);

    public static JsonSchema For(string name) => Loaded.Value[name];

    public static IEnumerable<string> Names => Directory.GetFiles(Folder, "*.schema.json")
        .Select(p => Path.GetFileName(p)[..^".schema.json".Length]);

    /// <summary>Evaluates <paramref name="json"/>; returns the error messages, empty when valid.</summary>
    public static IReadOnlyList<string> Errors(string name, JsonNode? json)
    {
        var options = new EvaluationOptions
        {
            OutputFormat = OutputFormat.List,
            RequireFormatValidation = true,
        };
        foreach (var schema in Loaded.Value.Values)
        {
            options.SchemaRegistry.Register(schema); // submit-batch refers to submit-job by its $id
        }

        var result = For(name).Evaluate(json, options);
        if (result.IsValid)
        {
            return [];
        }

        return [.. (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    /// <summary>The message serialized with the hosts' options, as a JSON node.</summary>
    public static JsonNode Serialize<T>(T message) => JsonNode.Parse(JsonSerializer.Serialize(message, ContractJson.Options))!;

    private static Dictionary<string, JsonSchema> Load()
    {
        var byName = new Dictionary<string, JsonSchema>();
        foreach (var path in Directory.GetFiles(Folder, "*.schema.json"))
        {
            var schema = JsonSchema.FromFile(path);
            byName[Path.GetFileName(path)[..^".schema.json".Length]] = schema;
        }

        return byName;
    }
}
