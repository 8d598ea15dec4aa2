using System.CommandLine;
using System.Globalization;

namespace Pipeline.Cli.Remote;

/// <summary>
/// Where the API is and how to reach it: the options of submit, watch and fetch (one instance per command). The URL and
/// key also come from <see cref="UrlVariable"/> and <see cref="KeyVariable"/>; an option given wins.
/// </summary>
internal sealed class RemoteOptions
{
    public const string UrlVariable = "PIPELINE_API_URL";
    public const string KeyVariable = "PIPELINE_API_KEY";
    public const string DefaultUrl = "http://localhost:8080";

    public Option<string?> Api { get; } = new("--api")
    {
        Description = $"The Pipeline API's base URL. Default: ${UrlVariable}, else {DefaultUrl}",
        HelpName = "URL",
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"API key, sent as X-Api-Key. Default: ${KeyVariable} (safer than this option: a command line shows in process lists)",
        HelpName = "KEY",
    };

    public Option<int> Retries { get; } = new("--retries")
    {
        Description = "Retries of a request that got no answer, timed out, or got 429/5xx, with growing waits; 0 fails at once",
        DefaultValueFactory = _ => 5,
        HelpName = "N",
    };

    public RemoteOptions()
    {
        Retries.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 20)
            {
                r.AddError("--retries must be between 0 and 20");
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Api);
        command.Options.Add(ApiKey);
        command.Options.Add(Retries);
    }

    /// <summary>The parsed values with the environment's defaults.</summary>
    /// <exception cref="UsageException">The URL is not an absolute http(s) URL.</exception>
    public RemoteSettings Read(ParseResult result, CliConsole console)
    {
        var (url, from) = result.GetValue(Api) is { Length: > 0 } given ? (given, "--api")
            : console.Variables(UrlVariable) is { Length: > 0 } variable ? (variable, "$" + UrlVariable)
            : (DefaultUrl, "the default");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"{from} must be the API's http(s) base URL, like {DefaultUrl}; got '{url}'");
        }

        var key = result.GetValue(ApiKey) is { Length: > 0 } k ? k : console.Variables(KeyVariable) is { Length: > 0 } v ? v : null;
        return new RemoteSettings(uri, key, result.GetValue(Retries), GlobalOptions.Read(result).Verbose);
    }

    /// <summary>Parses a positive number of seconds (for poll intervals).</summary>
    public static Option<double> Seconds(string name, string description, double defaultValue)
    {
        var option = new Option<double>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = "SECONDS",
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not (>= 0.01 and <= 3600))
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be between 0.01 and 3600 seconds"));
            }
        });
        return option;
    }
}

/// <summary>The API of one invocation.</summary>
internal sealed record RemoteSettings(Uri BaseAddress, string? ApiKey, int Retries, bool Verbose);
