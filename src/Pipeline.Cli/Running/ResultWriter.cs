using System.Text.Json;
using Pipeline.Engine;

namespace Pipeline.Cli.Running;

/// <summary>
/// Writes each result as &lt;job id&gt;.png beside &lt;job id&gt;.json (its <see cref="ResultMetadata"/>). Each file is
/// written to a temporary name and renamed, so a reader never sees half a file.
/// </summary>
internal static class ResultWriter
{
    /// <summary>Returns the PNG's path.</summary>
    public static string Write(string directory, EngineResult result)
    {
        Directory.CreateDirectory(directory);
        var png = Path.Combine(directory, result.JobId + ".png");
        WriteAtomically(png, result.Png);
        WriteAtomically(Path.Combine(directory, result.JobId + ".json"), JsonSerializer.SerializeToUtf8Bytes(result.Metadata, CliJson.Options));
        return png;
    }

    public static void WriteAtomically(string path, byte[] content)
    {
        var temporary = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
