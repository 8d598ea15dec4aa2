using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Cli.Bench;

/// <summary>
/// A pack's quality frontier, <c>frontier.json</c> next to its manifest: the FD the pack's evaluator measured for each
/// sampler setting (written by the tuning in training/, read here). The bench measures each point's speed in its own
/// run and prints it beside that FD; a pack without the file gets the tables that need no FD and a line saying so.
/// </summary>
internal sealed record FrontierFile
{
    public const string FileName = "frontier.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip };

    public string? Evaluator { get; init; }
    public string? CreatedAt { get; init; }
    public string? Tool { get; init; }
    public IReadOnlyList<FrontierPoint> Points { get; init; } = [];

    /// <summary>The pack's frontier; null with the reason when it has none or it cannot be read (never throws for a bad file).</summary>
    public static (FrontierFile? Frontier, string? Missing) Read(string packDirectory)
    {
        var path = Path.Combine(packDirectory, FileName);
        if (!File.Exists(path))
        {
            return (null, $"the pack has no {FileName}, so no FD: the frontier and ratio-at-equal-FD tables are left out");
        }

        try
        {
            var file = JsonSerializer.Deserialize<FrontierFile>(File.ReadAllText(path), Json);
            var points = file?.Points.Where(p => p.IsValid).ToArray() ?? [];
            return points.Length == 0
                ? (null, $"{path} holds no usable point (sampler, order, steps, precision, fd): no FD tables")
                : (file! with { Points = points }, null);
        }
        catch (JsonException e)
        {
            return (null, $"{path} is not valid frontier JSON ({e.Message}): no FD tables");
        }
    }
}

/// <summary>One sampler setting and the FD it reached.</summary>
/// <param name="Sampler"><c>reference</c> (the Python sampler) or <c>pipeline</c> (the engine).</param>
/// <param name="Order"><c>reference</c> (1/t), <c>exact-k</c> or <c>confidence</c>.</param>
/// <param name="Precision"><c>fp32</c>, <c>int8</c> or <c>fp16</c> (the reference is always fp32).</param>
/// <param name="Confidence">The confidence schedule's knobs the FD was measured with, as written (null for other orders).</param>
/// <param name="Samples">Images the FD was computed over.</param>
internal sealed record FrontierPoint(
    string Sampler,
    string Order,
    int Steps,
    string Precision,
    [property: JsonPropertyName("confidence")] JsonElement? Confidence,
    double Fd,
    int Samples)
{
    public bool IsReference => Sampler == "reference";

    internal bool IsValid => Sampler is "reference" or "pipeline" && Order is "reference" or "exact-k" or "confidence" && Steps > 0
        && Precision is "fp32" or "int8" or "fp16" && double.IsFinite(Fd);

    /// <summary>The knobs in one line for the table (empty when none).</summary>
    public string Knobs => Confidence is { ValueKind: JsonValueKind.Object } knobs
        ? string.Join(", ", knobs.EnumerateObject().Select(p => $"{p.Name} {p.Value}"))
        : string.Empty;
}
