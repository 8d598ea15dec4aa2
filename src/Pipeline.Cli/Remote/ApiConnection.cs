using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Pipeline.Client;

namespace Pipeline.Cli.Remote;

/// <summary>The typed client of one command, wired as hosts wire it (API key, retries); each retry is announced on stderr.</summary>
internal sealed class ApiConnection : IDisposable
{
    private readonly ServiceProvider _services;

    private ApiConnection(ServiceProvider services, RemoteSettings settings)
    {
        _services = services;
        Settings = settings;
        Client = services.GetRequiredService<PipelineApiClient>();
    }

    public RemoteSettings Settings { get; }

    public PipelineApiClient Client { get; }

    public static ApiConnection Open(RemoteSettings settings, CliConsole console)
    {
        var services = new ServiceCollection();
        services.AddLogging(builder =>
        {
            // --verbose shows each HTTP request; otherwise only warnings. Always on stderr: stdout carries results.
            builder.SetMinimumLevel(settings.Verbose ? LogLevel.Debug : LogLevel.Warning);
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        var gate = new Lock();
        services.AddPipelineClient(o =>
        {
            o.BaseAddress = settings.BaseAddress;
            o.ApiKey = settings.ApiKey;
            o.MaxRetryAttempts = settings.Retries;
            o.OnRetry = retry =>
            {
                lock (gate)
                {
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"warning: {settings.BaseAddress}: {retry.Reason}; retry {retry.Attempt} of {settings.Retries} in {retry.Delay.TotalSeconds:0.0} s"));
                }
            };
        });
        return new ApiConnection(services.BuildServiceProvider(), settings);
    }

    public void Dispose() => _services.Dispose();
}
