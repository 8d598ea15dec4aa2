using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Pipeline.Client;

/// <summary>Registration of <see cref="PipelineApiClient"/>.</summary>
public static class PipelineClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PipelineApiClient"/> as a typed client: base address, <c>X-Api-Key</c>, then retries
    /// (<see cref="PipelineClientOptions"/>, validated when first used). The handler chain is API key → retry →
    /// network, so every attempt is authenticated and timed on its own.
    /// </summary>
    public static IHttpClientBuilder AddPipelineClient(this IServiceCollection services, Action<PipelineClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PipelineClientOptions>().Configure(configure).ValidateDataAnnotations();
        services.TryAddSingleton(TimeProvider.System);
        return services.AddHttpClient<PipelineApiClient>((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<PipelineClientOptions>>().Value;
                var baseAddress = options.BaseAddress!.ToString();
                client.BaseAddress = new Uri(baseAddress.EndsWith('/') ? baseAddress : baseAddress + "/");
                client.Timeout = Timeout.InfiniteTimeSpan; // each attempt is timed by the retry handler
            })
            .AddHttpMessageHandler(provider =>
            {
                var key = provider.GetRequiredService<IOptions<PipelineClientOptions>>().Value.ApiKey;
                return key is null ? new PassThroughHandler() : new ApiKeyHandler(key);
            })
            .AddHttpMessageHandler(provider => new RetryHandler(
                provider.GetRequiredService<IOptions<PipelineClientOptions>>().Value, provider.GetRequiredService<TimeProvider>()));
    }

    private sealed class PassThroughHandler : DelegatingHandler;
}
