using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Pipeline.Contracts.Telemetry;

namespace Pipeline.Webhooks;

/// <summary>
/// The queue and the deliverer. <see cref="TryPublish"/> writes into a bounded channel and returns at once; the
/// background loops (<see cref="WebhookOptions.MaxConcurrentDeliveries"/> of them) take events out and POST each
/// one through a Polly pipeline: a per-attempt timeout inside exponential, jittered retries (honouring
/// <c>Retry-After</c>) on network errors, timeouts, 408, 429 and 5xx. Other 4xx answers are final. Each attempt is
/// signed afresh, so its timestamp is the time it was sent. Delays run on the injected <see cref="TimeProvider"/>.
/// Events still queued at shutdown are lost (logged): delivery is at most once per process, at least once per
/// attempt, and receivers deduplicate by <see cref="WebhookHeaders.EventId"/>.
/// Telemetry: each delivery is a <see cref="PipelineSpanNames.WebhookDeliver"/> span under the activity that queued the
/// event (the job's consume span), with the HTTP attempts inside it, and is counted by outcome (<see cref="WebhookMetrics"/>).
/// </summary>
internal sealed partial class WebhookDispatcher : BackgroundService, IWebhookPublisher
{
    /// <summary>The name of the <see cref="HttpClient"/> the dispatcher uses.</summary>
    public const string HttpClientName = "Pipeline.Webhooks";

    private static readonly ActivitySource Activities = new(PipelineTelemetry.ActivitySourceName);

    private readonly Channel<QueuedWebhook> _channel;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly WebhookOptions _options;
    private readonly WebhookEventFilter _filter;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly WebhookMetrics? _metrics;
    private readonly RecentEventIds _recent = new(RecentCapacity);

    /// <summary>How many recently queued (event id, URL) pairs are remembered to drop a repeated hand-over.</summary>
    private const int RecentCapacity = 10_000;

    // meterFactory: the host's (every host builder registers one); null counts nothing.
    public WebhookDispatcher(IHttpClientFactory httpClientFactory, IOptions<WebhookOptions> options, TimeProvider timeProvider,
        ILogger<WebhookDispatcher> logger, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _httpClientFactory = httpClientFactory;
        _options = options.Value;
        _filter = WebhookEventFilter.Parse(_options.Events);
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = meterFactory is null ? null : new WebhookMetrics(meterFactory);
        _channel = Channel.CreateBounded<QueuedWebhook>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite only: a full queue answers false, never blocks
            SingleReader = _options.MaxConcurrentDeliveries == 1,
        });
        _pipeline = BuildPipeline();
    }

    /// <summary>Events waiting for a delivery loop.</summary>
    public int QueuedCount => _channel.Reader.Count;

    /// <inheritdoc />
    public bool TryPublish(WebhookEvent webhookEvent)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        if (!_filter.Allows(webhookEvent.EventType))
        {
            return false;
        }

        // The same event handed over again (republished from the outbox): already queued or delivered by this process.
        if (!_recent.TryAdd(webhookEvent.EventId, webhookEvent.CallbackUrl))
        {
            LogRepeated(webhookEvent.EventId, webhookEvent.EventType);
            return false;
        }

        // The delivery happens later on a loop of its own: it remembers the trace of whoever queued it.
        if (_channel.Writer.TryWrite(new QueuedWebhook(webhookEvent, Activity.Current?.Context ?? default)))
        {
            return true;
        }

        _recent.Remove(webhookEvent.EventId, webhookEvent.CallbackUrl);
        LogDropped(webhookEvent.EventId, webhookEvent.EventType, _options.QueueCapacity);
        return false;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = Enumerable.Range(0, _options.MaxConcurrentDeliveries).Select(_ => RunLoopAsync(stoppingToken));
        return Task.WhenAll(loops);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_channel.Reader.Count > 0)
        {
            LogUndelivered(_channel.Reader.Count);
        }
    }

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var queued in _channel.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await DeliverAsync(queued.Event, stoppingToken, queued.Parent).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    internal async Task<bool> DeliverAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken, ActivityContext parent = default)
    {
        using var activity = Activities.StartActivity(PipelineSpanNames.WebhookDeliver, ActivityKind.Internal, parent);
        activity?.SetTag(PipelineSpanAttributes.WebhookEventType, webhookEvent.EventType);
        var client = _httpClientFactory.CreateClient(HttpClientName);
        var attempt = 0;
        var delivered = false;
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                attempt++;
                using var request = CreateRequest(webhookEvent, attempt);
                return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);

            if (response.IsSuccessStatusCode)
            {
                LogDelivered(webhookEvent.EventId, webhookEvent.EventType, webhookEvent.CallbackUrl, attempt);
                delivered = true;
                return true;
            }

            LogRejected(webhookEvent.EventId, webhookEvent.EventType, webhookEvent.CallbackUrl, (int)response.StatusCode, attempt);
            activity?.SetStatus(ActivityStatusCode.Error, $"refused with status {(int)response.StatusCode}");
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogFailed(e, webhookEvent.EventId, webhookEvent.EventType, webhookEvent.CallbackUrl, attempt);
            activity?.AddException(e);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            return false;
        }
        finally
        {
            activity?.SetTag(PipelineSpanAttributes.WebhookAttempts, attempt);
            if (!cancellationToken.IsCancellationRequested)
            {
                if (delivered)
                {
                    _metrics?.Delivered();
                }
                else
                {
                    _metrics?.Failed();
                }
            }
        }
    }

    private HttpRequestMessage CreateRequest(WebhookEvent webhookEvent, int attempt)
    {
        var timestamp = WebhookSignature.ToTimestamp(_timeProvider.GetUtcNow());
        var content = new ReadOnlyMemoryContent(webhookEvent.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var request = new HttpRequestMessage(HttpMethod.Post, webhookEvent.CallbackUrl) { Content = content };
        request.Headers.Add(WebhookHeaders.EventId, webhookEvent.EventId);
        request.Headers.Add(WebhookHeaders.EventType, webhookEvent.EventType);
        request.Headers.Add(WebhookHeaders.Timestamp, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSignature.Compute(_options.Secret, timestamp, webhookEvent.Body.Span));
        request.Headers.Add(WebhookHeaders.Attempt, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Pipeline-Webhooks", "1.0"));
        return request;
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = HttpClientName, TimeProvider = _timeProvider };
        if (_options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                MaxRetryAttempts = _options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.BaseDelay,
                MaxDelay = _options.MaxDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome)),
                OnRetry = args =>
                {
                    _metrics?.Retried();
                    LogRetrying(args.Outcome.Exception, args.AttemptNumber + 2, args.RetryDelay, args.Outcome.Result is { } r ? (int)r.StatusCode : 0);
                    return default;
                },
            });
        }

        return builder.AddTimeout(_options.AttemptTimeout).Build();
    }

    /// <summary>An event in the queue, with the trace context of the code that queued it.</summary>
    private readonly record struct QueuedWebhook(WebhookEvent Event, ActivityContext Parent);

    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException { InnerException: WebhookAddressRejectedException } } => false,
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            || (int)response.StatusCode >= 500,
        _ => false,
    };

    private TimeSpan? RetryAfter(Outcome<HttpResponseMessage> outcome)
    {
        var retryAfter = outcome.Result?.Headers.RetryAfter;
        TimeSpan? delay = retryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _timeProvider.GetUtcNow(),
            _ => null,
        };
        return delay is { } d ? TimeSpan.FromTicks(Math.Clamp(d.Ticks, 0, _options.MaxDelay.Ticks)) : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {EventId} ({EventType}) handed over again; this process queued it already, so it is not sent twice")]
    private partial void LogRepeated(string eventId, string eventType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook queue full ({Capacity}): dropped event {EventId} ({EventType})")]
    private partial void LogDropped(string eventId, string eventType, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery stopped with {Count} events undelivered")]
    private partial void LogUndelivered(int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook {EventId} ({EventType}) delivered to {Url} on attempt {Attempt}")]
    private partial void LogDelivered(string eventId, string eventType, Uri url, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} ({EventType}) refused by {Url} with status {Status} after {Attempt} attempts; not retried further")]
    private partial void LogRejected(string eventId, string eventType, Uri url, int status, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {EventId} ({EventType}) to {Url} failed after {Attempt} attempts")]
    private partial void LogFailed(Exception exception, string eventId, string eventType, Uri url, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook attempt {Attempt} in {Delay} (last status {Status}; 0 when no response)")]
    private partial void LogRetrying(Exception? exception, int attempt, TimeSpan delay, int status);
}
