using System.ComponentModel.DataAnnotations;

namespace Pipeline.Scheduler.Hosting;

/// <summary>The broker, from <c>Pipeline:RabbitMq</c> (the same keys the Api and Worker hosts read).</summary>
internal sealed class RabbitMqSettings
{
    public const string SectionName = "Pipeline:RabbitMq";

    [Required]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = "guest";

    [Required]
    public string Password { get; set; } = "guest";
}
