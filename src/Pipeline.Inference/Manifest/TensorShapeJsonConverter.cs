using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>Reads and writes <see cref="TensorShape"/> as a JSON array of integers and the string "batch".</summary>
internal sealed class TensorShapeJsonConverter : JsonConverter<TensorShape>
{
    private const string Batch = "batch";

    public override TensorShape Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A tensor shape must be an array of sizes and \"batch\".");
        }

        var dimensions = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            dimensions.Add(reader.TokenType switch
            {
                JsonTokenType.Number => reader.GetInt64(),
                JsonTokenType.String when reader.GetString() == Batch => TensorShape.Dynamic,
                JsonTokenType.String => throw new JsonException($"Symbolic dimension \"{reader.GetString()}\" is not allowed: only \"{Batch}\" may be dynamic."),
                _ => throw new JsonException($"A tensor dimension must be an integer or \"{Batch}\", not {reader.TokenType}."),
            });
        }

        return new TensorShape(dimensions);
    }

    public override void Write(Utf8JsonWriter writer, TensorShape value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var d in value.Dimensions)
        {
            if (d == TensorShape.Dynamic)
            {
                writer.WriteStringValue(Batch);
            }
            else
            {
                writer.WriteNumberValue(d);
            }
        }

        writer.WriteEndArray();
    }
}
