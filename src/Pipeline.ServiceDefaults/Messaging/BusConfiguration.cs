using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.ServiceDefaults.Messaging;

/// <summary>The bus settings producers and consumers must share.</summary>
public static class BusConfiguration
{
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
