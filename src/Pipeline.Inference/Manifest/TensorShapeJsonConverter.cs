using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>Reads and writes <see cref="TensorShape"/> as a JSON array of integers and axis names (<see cref="DynamicAxes"/>).</summary>
internal sealed class TensorShapeJsonConverter : JsonConverter<TensorShape>
{
    public override TensorShape Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A tensor shape must be an array of sizes and axis names such as \"batch\".");
        }

        var dimensions = new List<long>();
        var symbols = new List<string?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var symbol = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            dimensions.Add(reader.TokenType switch
            {
                JsonTokenType.Number => reader.GetInt64(),
                JsonTokenType.String when DynamicAxes.All.Contains(symbol, StringComparer.Ordinal) => TensorShape.Dynamic,
                JsonTokenType.String => throw new JsonException(
                    $"Symbolic dimension \"{symbol}\" is not allowed: dynamic axes are named {string.Join(", ", DynamicAxes.All.Select(a => $"\"{a}\""))} " +
                    "(the spatial ones only on the encoder and decoder of a schemaVersion 2 pack)."),
                _ => throw new JsonException($"A tensor dimension must be an integer or an axis name such as \"{DynamicAxes.Batch}\", not {reader.TokenType}."),
            });
            symbols.Add(symbol);
        }

        return new TensorShape(dimensions, symbols);
    }

    public override void Write(Utf8JsonWriter writer, TensorShape value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        for (var i = 0; i < value.Rank; i++)
        {
            var d = value.Dimensions[i];
            if (d == TensorShape.Dynamic)
            {
                writer.WriteStringValue(value.Symbols[i]);
            }
            else
            {
                writer.WriteNumberValue(d);
            }
        }

        writer.WriteEndArray();
    }
}
