using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>
/// The JSON settings of every message: camelCase names, nulls left out when writing, numbers only as JSON numbers,
/// null rejected for non-nullable properties, unknown properties ignored (so older consumers accept newer
/// producers' additions). The hosts use exactly these: MassTransit through
/// <c>cfg.ConfigureJsonSerializerOptions(o =&gt; ContractJson.Apply(o))</c>, ASP.NET through
/// <c>ConfigureHttpJsonOptions(o =&gt; ContractJson.Apply(o.SerializerOptions))</c>.
/// </summary>
public static class ContractJson
{
    /// <summary>A read-only instance with the settings applied; use it for your own (de)serialization.</summary>
    public static JsonSerializerOptions Options { get; } = CreateReadOnly();

    /// <summary>Applies the contract settings to options someone else owns (MassTransit's, ASP.NET's) and returns them.</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.RespectNullableAnnotations = true;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        return options;
    }

    private static JsonSerializerOptions CreateReadOnly()
    {
        var options = Apply(new JsonSerializerOptions(JsonSerializerDefaults.General));
        options.TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }
}
