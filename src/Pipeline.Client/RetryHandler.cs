using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Client;

/// <summary>
/// Retries requests the API may answer differently next time: network errors, attempt timeouts, 408, 429 and 5xx
/// (honouring <c>Retry-After</c>, capped at <see cref="PipelineClientOptions.MaxDelay"/>), with exponential,
/// jittered backoff. Other 4xx answers are returned at once. Retrying a POST is safe here because every
/// submission carries its own idempotency key (the batch id). Delays run on the given <see cref="TimeProvider"/>.
/// </summary>
internal sealed class RetryHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public RetryHandler(PipelineClientOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = "Pipeline.Client", TimeProvider = timeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome, options.MaxDelay, timeProvider)),
                OnRetry = args =>
                {
                    options.OnRetry?.Invoke(new PipelineRetry(args.AttemptNumber + 1, args.RetryDelay, Describe(args.Outcome)));
                    return default;
                },
            });
        }

        _pipeline = builder.AddTimeout(options.AttemptTimeout).Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(
            async (state, token) => await state.Handler.BaseSendAsync(state.Request, token).ConfigureAwait(false),
            (Handler: this, Request: request), cancellationToken).ConfigureAwait(false);

    private Task<HttpResponseMessage> BaseSendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            || (int)response.StatusCode >= 500,
        _ => false,
    };

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException e } => $"no answer within {e.Timeout.TotalSeconds:0.#} s",
        { Exception: { } e } => e.Message,
        { Result: { } response } => $"{(int)response.StatusCode} {response.ReasonPhrase}",
        _ => "unknown",
    };

    private static TimeSpan? RetryAfter(Outcome<HttpResponseMessage> outcome, TimeSpan maxDelay, TimeProvider timeProvider)
    {
        TimeSpan? delay = outcome.Result?.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - timeProvider.GetUtcNow(),
            _ => null,
        };
        return delay is { } d ? TimeSpan.FromTicks(Math.Clamp(d.Ticks, 0, maxDelay.Ticks)) : null;
    }
}
