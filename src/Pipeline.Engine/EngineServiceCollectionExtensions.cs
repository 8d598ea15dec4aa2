using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Inference;

namespace Pipeline.Engine;

/// <summary>Registers the engine in a host's services.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ModelPackRegistry"/> (from <paramref name="registryOptions"/>; it owns the ONNX sessions) and
    /// <see cref="IJobEngine"/> built by <see cref="EngineFactory"/> from <see cref="EngineOptions"/>, which are checked
    /// when the host starts (their ranges, and <see cref="EngineOptionsValidator"/>). Configure the options with
    /// <c>services.AddOptions&lt;EngineOptions&gt;()</c>; bind <see cref="EngineOptions.Budgets"/> from
    /// <see cref="EngineOptions.BudgetsSection"/>. The engine is disposed before the registry (it is created after it).
    /// When the host has an <see cref="IMeterFactory"/> (every host builder adds one), the engine publishes its metrics,
    /// model pack load times included.
    /// </summary>
    public static IServiceCollection AddPipelineEngine(this IServiceCollection services, Func<IServiceProvider, ModelPackRegistryOptions> registryOptions)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registryOptions);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ModelPackRegistry(registryOptions(sp), sp.GetRequiredService<ILogger<ModelPackRegistry>>()));
        services.AddSingleton<IValidateOptions<EngineOptions>, EngineOptionsValidator>();
        services.AddOptions<EngineOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IJobEngine>(sp =>
        {
            var registry = sp.GetRequiredService<ModelPackRegistry>();
            var engine = EngineFactory.Create(registry,
                sp.GetRequiredService<IOptions<EngineOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetService<IMeterFactory>());
            registry.Loaded += engine.OnPackLoaded;
            return engine;
        });
        return services;
    }
}
