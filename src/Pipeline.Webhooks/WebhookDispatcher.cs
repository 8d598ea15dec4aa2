using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Webhooks;

/// <summary>
/// The queue and the deliverer. <see cref="TryPublish"/> writes into a bounded channel and returns at once; the
/// background loops (<see cref="WebhookOptions.MaxConcurrentDeliveries"/> of them) take events out and POST each
/// one through a Polly pipeline: a per-attempt timeout inside exponential, jittered retries (honouring
/// <c>Retry-After</c>) on network errors, timeouts, 408, 429 and 5xx. Other 4xx answers are final. Each attempt is
/// signed afresh, so its timestamp is the time it was sent. Delays run on the injected <see cref="TimeProvider"/>.
/// Events still queued at shutdown are lost (logged): delivery is at most once per process, at least once per
/// attempt, and receivers deduplicate by <see cref="WebhookHeaders.EventId"/>.
/// </summary>
internal sealed partial class WebhookDispatcher : BackgroundService, IWebhookPublisher
{
    /// <summary>The name of the <see cref="HttpClient"/> the dispatcher uses.</summary>
    public const string HttpClientName = "Pipeline.Webhooks";

    private readonly Channel<WebhookEvent> _channel;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly WebhookOptions _options;
    private readonly WebhookEventFilter _filter;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public WebhookDispatcher(IHttpClientFactory httpClientFactory, IOptions<WebhookOptions> options, TimeProvider timeProvider,
        ILogger<WebhookDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _httpClientFactory = httpClientFactory;
        _options = options.Value;
        _filter = WebhookEventFilter.Parse(_options.Events);
        _timeProvider = timeProvider;
        _logger = logger;
        _channel = Channel.CreateBounded<WebhookEvent>(new BoundedChannelOptions(_options.QueueCapacity)
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

        if (_channel.Writer.TryWrite(webhookEvent))
        {
            return true;
        }

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
            await foreach (var webhookEvent in _channel.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await DeliverAsync(webhookEvent, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    internal async Task<bool> DeliverAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var client = _httpClientFactory.CreateClient(HttpClientName);
        var attempt = 0;
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
                return true;
            }

            LogRejected(webhookEvent.EventId, webhookEvent.EventType, webhookEvent.CallbackUrl, (int)response.StatusCode, attempt);
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogFailed(e, webhookEvent.EventId, webhookEvent.EventType, webhookEvent.CallbackUrl, attempt);
            return false;
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
                    LogRetrying(args.Outcome.Exception, args.AttemptNumber + 2, args.RetryDelay, args.Outcome.Result is { } r ? (int)r.StatusCode : 0);
                    return default;
                },
            });
        }

        return builder.AddTimeout(_options.AttemptTimeout).Build();
    }

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
