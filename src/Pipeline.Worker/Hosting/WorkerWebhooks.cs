using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Webhooks;

namespace Pipeline.Worker.Hosting;

/// <summary>
/// Webhooks in the worker, from <c>Pipeline:Webhooks</c> (<see cref="WebhookOptions"/>). They are optional:
/// <list type="bullet">
/// <item><c>Secret</c> not set (absent or blank): webhooks are <b>disabled</b>. The worker runs, logs it at
/// start-up, warns on the first callback it drops, and ignores callback URLs (jobs still run and their events still go out on the bus). A deployment that never
/// takes callback URLs needs no secret.</item>
/// <item><c>Secret</c> set: webhooks are on, and every setting is validated at start-up — a secret shorter than 32
/// characters or an <c>Events</c> filter naming no known type stops the worker with the reason, rather than leaving
/// callbacks unsigned or silently filtered.</item>
/// </list>
/// </summary>
public static class WorkerWebhooks
{
    /// <summary>The key whose presence turns webhooks on.</summary>
    public const string SecretKey = WebhookOptions.SectionName + ":Secret";

    /// <summary>Registers <see cref="IWebhookPublisher"/>: the signed dispatcher when a secret is configured, otherwise the disabled one.</summary>
    public static IHostApplicationBuilder AddWorkerWebhooks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(builder.Configuration[SecretKey]))
        {
            builder.Services.AddSingleton<DisabledWebhookPublisher>();
            builder.Services.AddSingleton<IWebhookPublisher>(sp => sp.GetRequiredService<DisabledWebhookPublisher>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<DisabledWebhookPublisher>());
        }
        else
        {
            builder.Services.AddPipelineWebhooks();
        }

        return builder;
    }
}

/// <summary>
/// The publisher of a worker without a webhook secret: queues nothing. It says so at start-up (information: a
/// deployment without callbacks is fine) and warns once when a callback is actually dropped, which is when an operator
/// needs to act.
/// </summary>
public sealed partial class DisabledWebhookPublisher(ILogger<DisabledWebhookPublisher> logger) : IWebhookPublisher, IHostedService
{
    private int _warned;

    /// <inheritdoc />
    public bool TryPublish(WebhookEvent webhookEvent)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            LogFirstDropped(logger, webhookEvent.EventType, webhookEvent.EventId);
        }
        else
        {
            LogDropped(logger, webhookEvent.EventType, webhookEvent.EventId);
        }

        return false;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogDisabled(logger);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 60, Level = LogLevel.Information,
        Message = "Webhooks disabled: " + WorkerWebhooks.SecretKey + " is not set, so callback URLs of jobs and batches are not called (set a secret of at least 32 characters to sign and send them)")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning,
        Message = "A job or batch asked for a callback, but webhooks are disabled (" + WorkerWebhooks.SecretKey + " is not set): {EventType} ({EventId}) not sent; later ones are logged at debug level")]
    private static partial void LogFirstDropped(ILogger logger, string eventType, string eventId);

    [LoggerMessage(EventId = 61, Level = LogLevel.Debug, Message = "Webhook {EventType} ({EventId}) not sent: webhooks are disabled")]
    private static partial void LogDropped(ILogger logger, string eventType, string eventId);
}
