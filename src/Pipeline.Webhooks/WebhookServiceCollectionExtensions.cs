using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pipeline.Webhooks;

/// <summary>Registration for hosts that send webhooks (the worker).</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IWebhookPublisher"/> and its background dispatcher (a hosted service), with
    /// <see cref="WebhookOptions"/> bound from <c>Pipeline:Webhooks</c> and validated at start-up, then
    /// <paramref name="configure"/> applied.
    /// </summary>
    public static IServiceCollection AddPipelineWebhooks(this IServiceCollection services, Action<WebhookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateDataAnnotations()
            .Validate(o => TryParseFilter(o.Events), "Pipeline:Webhooks:Events names no known event type")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(WebhookDispatcher.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan) // the Polly pipeline times each attempt
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var o = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                var handler = new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
                if (!o.AllowPrivateNetworks)
                {
                    handler.ConnectCallback = NetworkGuard.ConnectPublicOnlyAsync;
                }

                return handler;
            });
        services.TryAddSingleton<WebhookDispatcher>();
        services.TryAddSingleton<IWebhookPublisher>(provider => provider.GetRequiredService<WebhookDispatcher>());
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        return services;
    }

    private static bool TryParseFilter(string? value)
    {
        try
        {
            WebhookEventFilter.Parse(value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
