using System.ComponentModel.DataAnnotations;

namespace Pipeline.Messaging;

/// <summary>Where the broker is. Bound from <see cref="SectionName"/> (env: <c>Pipeline__RabbitMq__Host</c>, …).</summary>
public sealed class RabbitMqOptions
{
    /// <summary>The configuration section: <c>Pipeline:RabbitMq</c>.</summary>
    public const string SectionName = "Pipeline:RabbitMq";

    /// <summary>Broker host name. Default <c>localhost</c>.</summary>
    [Required]
    public string Host { get; set; } = "localhost";

    /// <summary>AMQP port. Default 5672.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    /// <summary>Virtual host. Default <c>/</c>; tests give each run its own.</summary>
    [Required]
    public string VirtualHost { get; set; } = "/";

    /// <summary>User name. Default <c>guest</c> (which RabbitMQ only admits from loopback).</summary>
    [Required]
    public string Username { get; set; } = "guest";

    /// <summary>Password. Default <c>guest</c>.</summary>
    [Required]
    public string Password { get; set; } = "guest";

    /// <summary>The host address MassTransit uses, <c>rabbitmq://host:port/vhost</c>.</summary>
    public Uri HostAddress => new UriBuilder("rabbitmq", Host, Port, VirtualHost == "/" ? "/" : "/" + Uri.EscapeDataString(VirtualHost)).Uri;
}
