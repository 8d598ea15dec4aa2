using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// What can be read from a job message whose JSON does not deserialize as a <see cref="SubmitJob"/>: the job it names
/// (a valid <c>jobId</c> string, else nothing can be attributed), the few fields a failed record shows (kind, priority,
/// batch, each only when it is a string), and a sentence naming the field at fault — never the serializer's exception
/// text, which speaks .NET types.
/// </summary>
public static class MalformedJobMessage
{
    /// <summary>The fields every job message must have.</summary>
    private static readonly string[] RequiredFields = ["jobId", "kind"];

    /// <summary>
    /// The job to record as failed and why, from the message's JSON <paramref name="body"/> and the error that stopped its
    /// deserialization; false when the body names no valid job id (the message then goes to the error queue).
    /// </summary>
    public static bool TryRead(JsonObject body, JsonException error, out SubmitJob job, out string reason)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(error);
        var jobId = Text(body, "jobId");
        if (!JobIds.IsValid(jobId))
        {
            (job, reason) = (null!, "");
            return false;
        }

        job = new SubmitJob
        {
            JobId = jobId!,
            Kind = Text(body, "kind") ?? JobRejections.UnknownValue,
            Priority = Text(body, "priority") ?? JobPriorities.Standard,
            BatchId = Text(body, "batchId"),
        };
        reason = $"the job message cannot be read: {Describe(body, error.Path)}; see schemas/submit-job.schema.json";
        return true;
    }

    /// <summary>What is wrong, by the JSON path of the error (<c>$.seed</c>, <c>$.maskRectangles[0].x</c>), in words.</summary>
    private static string Describe(JsonObject body, string? path)
    {
        if (path is not { Length: > 2 } || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            // No field named: a required property is missing, or the message is no job object at all.
            var missing = RequiredFields.FirstOrDefault(name => !Has(body, name));
            return missing is null ? "it is not a job object" : $"required field '{missing}' is missing";
        }

        var field = path[2..];
        var leaf = field[(field.LastIndexOf('.') + 1)..];
        leaf = leaf.Contains('[', StringComparison.Ordinal) ? leaf[..leaf.IndexOf('[', StringComparison.Ordinal)] : leaf;
        var isNull = field == leaf && Has(body, field) && Find(body, field) is null;
        return $"field '{field}' {(isNull ? "is null" : "has a value of the wrong type or format")}; expected {Expected(leaf)}";
    }

    /// <summary>The expected value of a <see cref="SubmitJob"/> or <see cref="MaskRectangle"/> property, by its JSON name.</summary>
    private static string Expected(string name) => name.ToLowerInvariant() switch
    {
        "jobid" or "kind" or "batchid" or "modelpack" or "priority" or "order" => "a string",
        "sourceimagekey" or "maskimagekey" => "a string 'sha256:<64 hex digits>'",
        "seed" or "steps" or "topk" or "x" or "y" or "width" or "height" => "an integer",
        "temperature" or "strength" or "featherpixels" => "a number",
        "maskrectangles" => "an array of {x, y, width, height} objects",
        "callbackurl" => "an absolute http(s) URL string",
        "submittedat" => "an RFC 3339 date-time string",
        _ => "a value of the type the schema gives",
    };

    /// <summary>The string value of <paramref name="name"/> (matched case-insensitively, as the workers read messages), else null.</summary>
    private static string? Text(JsonObject body, string name) =>
        Find(body, name) is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>The value of <paramref name="name"/>; null when absent or JSON null (<see cref="Has"/> tells them apart).</summary>
    private static JsonNode? Find(JsonObject body, string name) =>
        body.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static bool Has(JsonObject body, string name) => body.Any(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
}
