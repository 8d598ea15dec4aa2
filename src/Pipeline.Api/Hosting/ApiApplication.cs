using Pipeline.ServiceDefaults;

namespace Pipeline.Api.Hosting;

/// <summary>Builds the API host; <c>Program</c> runs it, integration tests build it with their own configuration.</summary>
public static class ApiApplication
{
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--urls</c>).</param>
    /// <param name="configure">Last say over the builder before services are added (tests add configuration here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.AddApiServices();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapApiEndpoints();
        return app;
    }
}
