namespace Pipeline.TestSupport;

/// <summary>
/// A service variable as <c>scripts/start-services.sh</c> provides it: from the environment, else from the file the script
/// writes (<c>PIPELINE_SERVICES_ENV</c>, default /tmp/pipeline-services.env), so a test run outside that shell finds the
/// services too.
/// </summary>
public static class ServicesFile
{
    /// <summary>The value of <paramref name="variable"/>, or null when neither the environment nor the file sets it.</summary>
    public static string? Get(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        var file = Environment.GetEnvironmentVariable("PIPELINE_SERVICES_ENV") ?? "/tmp/pipeline-services.env";
        if (!File.Exists(file))
        {
            return null;
        }

        var prefix = $"export {variable}=";
        var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line?[prefix.Length..].Trim('\'', '"');
    }
}
