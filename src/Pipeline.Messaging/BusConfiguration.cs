using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;

namespace Pipeline.Messaging;

/// <summary>The bus settings producers and consumers must share, and the hosts' one bus registration.</summary>
public static class BusConfiguration
{
    /// <summary>
    /// Binds <see cref="RabbitMqOptions"/> (validated at start) and adds MassTransit on RabbitMQ with
    /// <see cref="UsePipelineBroker"/>. <paramref name="configureConsumers"/> adds the host's consumers; their endpoints
    /// are configured by convention (each consumer's definition). A host that only sends passes nothing. Two health checks
    /// (tag <c>ready</c>): MassTransit's own bus check (its receive endpoints) and <see cref="BrokerHealthCheck"/> (the
    /// broker answers), which a host without receive endpoints needs to notice a broker outage at all.
    /// <para>
    /// MassTransit's anonymous usage telemetry (an HTTPS post to its vendor some minutes after the bus starts) is off: a
    /// self-hosted pipeline talks to its own broker and database only. An operator who wants to send it sets
    /// <c>MASSTRANSIT_USAGE_TELEMETRY=true</c>, which MassTransit reads over this setting.
    /// </para>
    /// </summary>
    public static IServiceCollection AddPipelineBus(this IServiceCollection services, Action<IBusRegistrationConfigurator>? configureConsumers = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<BrokerHealthCheck>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(BrokerHealthCheck.Name,
            sp => sp.GetRequiredService<BrokerHealthCheck>(), failureStatus: null, tags: ["ready"]));
        services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            configureConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.UsePipelineBroker(context.GetRequiredService<IOptions<RabbitMqOptions>>().Value);
                cfg.ConfigureEndpoints(context);
            });
        });
        return services;
    }

    /// <summary>Connects to <paramref name="options"/>' broker and applies the contract JSON settings (<see cref="ContractJson"/>).</summary>
    public static void UsePipelineBroker(this IRabbitMqBusFactoryConfigurator configurator, RabbitMqOptions options)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(options);
        configurator.Host(options.Host, (ushort)options.Port, options.VirtualHost, host =>
        {
            host.Username(options.Username);
            host.Password(options.Password);
        });

        // A process-wide setting in MassTransit; every host applies the same values, so the last writer changes nothing.
        configurator.ConfigureJsonSerializerOptions(o => ContractJson.Apply(o));
    }
}
