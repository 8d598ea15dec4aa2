using System.Text.Json;

namespace Pipeline.Cli;

/// <summary>How the CLI writes JSON files: camelCase (as the message schemas spell fields), indented for people.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
