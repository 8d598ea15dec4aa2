using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts;

namespace Pipeline.Contracts.Tests;

public sealed class SchemaConformanceTests
{
    public static TheoryData<string, int> SerializedMessages()
    {
        var data = new TheoryData<string, int>();
        var index = 0;
        foreach (var (schema, _) in Messages.All())
        {
            data.Add(schema, index++);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SerializedMessages))]
    public void Serialize_MessageBuiltInCode_ValidatesAgainstItsSchema(string schema, int index)
    {
        var message = Messages.All().ElementAt(index).Message;
        var json = Schemas.Serialize(message);

        Assert.Empty(Schemas.Errors(schema, json));
    }

    [Fact]
    public void Serialize_Message_UsesCamelCaseAndOmitsNulls()
    {
        var json = Schemas.Serialize(Messages.Minimal).AsObject();

        Assert.Equal(["jobId", "kind", "priority"], json.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("standard", (string?)json["priority"]);
    }

    public static TheoryData<string> ExampleFiles() =>
        [.. Directory.GetFiles(Path.Combine(Schemas.Folder, "examples"), "*.json").Select(p => Path.GetFileName(p))];

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Example_ValidatesAndDeserializesAndRoundTrips(string file)
    {
        var schema = file.Split('.')[0];
        var text = File.ReadAllText(Path.Combine(Schemas.Folder, "examples", file));
        var type = Schemas.MessageTypes[schema];

        Assert.Empty(Schemas.Errors(schema, JsonNode.Parse(text)));
        var message = JsonSerializer.Deserialize(text, type, ContractJson.Options);
        Assert.NotNull(message);
        // What the hosts would write back validates too, and loses nothing the example said.
        var reserialized = JsonNode.Parse(JsonSerializer.Serialize(message, type, ContractJson.Options));
        Assert.Empty(Schemas.Errors(schema, reserialized));
        Assert.True(JsonNode.DeepEquals(Normalize(JsonNode.Parse(text)), Normalize(reserialized)), $"{file} does not round-trip");
    }

    [Fact]
    public void Schemas_EveryMessageHasASchemaAndAnExample()
    {
        var messageTypes = typeof(SubmitJob).Assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetProperty("EqualityContract", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance) is not null)
            .Where(t => t != typeof(MaskRectangle) && t != typeof(CanvasExtend) && t != typeof(ResultTimings) && t != typeof(ContractError))
            .Where(t => t != typeof(JobRequest) && t != typeof(BatchRequest) && t != typeof(UploadedInput)) // HTTP bodies: the API's OpenAPI document describes them
            .Where(t => t.Namespace != typeof(Pipeline.Contracts.Fleet.FleetStatus).Namespace); // GET /v1/workers bodies, likewise
        var examples = Directory.GetFiles(Path.Combine(Schemas.Folder, "examples"), "*.json").Select(p => Path.GetFileName(p).Split('.')[0]).ToHashSet();

        Assert.Equal(messageTypes.OrderBy(t => t.Name), Schemas.MessageTypes.Values.OrderBy(t => t.Name));
        Assert.Equal(Schemas.MessageTypes.Keys.Order(), Schemas.Names.Order());
        Assert.Subset(examples, Schemas.MessageTypes.Keys.ToHashSet());
    }

    [Fact]
    public void Deserialize_UnknownEnumValues_StillYieldAMessageTheWorkerCanFail()
    {
        const string json = """{"jobId":"j1","kind":"upscale","priority":"urgent","order":"spiral"}""";

        var message = JsonSerializer.Deserialize<SubmitJob>(json, ContractJson.Options)!;

        Assert.Equal("j1", message.JobId);
        Assert.NotEmpty(Schemas.Errors("submit-job", JsonNode.Parse(json)));
        Assert.Equal(
            [ContractErrorCodes.UnknownKind, ContractErrorCodes.UnknownPriority, ContractErrorCodes.UnknownOrder],
            SubmitJobRules.Validate(message).Select(e => e.Code));
    }

    [Fact]
    public void Deserialize_MissingJobId_Throws()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SubmitJob>("""{"kind":"generation"}""", ContractJson.Options));
    }

    [Fact]
    public void Deserialize_NumberAsString_Throws()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SubmitJob>("""{"jobId":"j","kind":"generation","seed":"5"}""", ContractJson.Options));
    }

    [Fact]
    public void Apply_OnForeignOptions_MatchesContractJsonOutput()
    {
        var foreign = ContractJson.Apply(new JsonSerializerOptions());

        Assert.Equal(JsonSerializer.Serialize(Messages.Generation, ContractJson.Options), JsonSerializer.Serialize(Messages.Generation, foreign));
    }

    /// <summary>Numbers compared by value (0.9 vs 0.9f widened), nulls dropped (absent and null mean the same).</summary>
    private static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, Normalize(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Normalize)]),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => JsonValue.Create(Math.Round(v.GetValue<double>(), 5)),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && DateTimeOffset.TryParse(v.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var t) && v.GetValue<string>().Contains('T', StringComparison.Ordinal) => JsonValue.Create(t.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        _ => node?.DeepClone(),
    };
}
