using Microsoft.AspNetCore.Builder;
using Pipeline.ServiceDefaults;

namespace Pipeline.Worker.Hosting;

/// <summary>Builds the worker host; <c>Program</c> runs it, integration tests build it with their own configuration.</summary>
public static class WorkerApplication
{
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--urls</c>).</param>
    /// <param name="configure">Last say over the builder before services are added (tests add configuration here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.AddWorkerServices();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }
}
