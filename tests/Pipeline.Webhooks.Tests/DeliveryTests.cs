using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts;

namespace Pipeline.Webhooks.Tests;

public sealed class DeliveryTests : IAsyncLifetime
{
    private const string Secret = "test-secret-test-secret-test-secret!";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Publish_ReceiverFailsThreeTimes_EventArrivesSignedWithOneEventId()
    {
        _receiver.Respond = n => Task.FromResult(n <= 3 ? 500 : 200);
        await using var host = await StartAsync();
        var e = WebhookEvents.For(Completed("b-retry"), _receiver.Url);

        Assert.True(host.Publisher.TryPublish(e));

        await Poll.UntilAsync(() => _receiver.Requests.Count == 4, "the fourth attempt");
        var requests = _receiver.Requests.ToArray();
        Assert.All(requests, r => Assert.Equal(e.EventId, r.Header(WebhookHeaders.EventId)));
        Assert.All(requests, r => Assert.Equal("batch.completed", r.Header(WebhookHeaders.EventType)));
        Assert.Equal(["1", "2", "3", "4"], requests.Select(r => r.Header(WebhookHeaders.Attempt)));
        Assert.All(requests, r => Assert.Equal(WebhookVerification.Valid, WebhookSignature.Verify(Secret,
            r.Header(WebhookHeaders.Signature), r.Header(WebhookHeaders.Timestamp), r.Body, DateTimeOffset.UtcNow)));
        Assert.Equal(e.Body.ToArray(), requests[^1].Body);
    }

    [Fact]
    public async Task Publish_SlowReceiver_PublisherNeverWaitsAndFullQueueRefuses()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Respond = async _ =>
        {
            await gate.Task;
            return 200;
        };
        await using var host = await StartAsync(o =>
        {
            o.QueueCapacity = 4;
            o.MaxConcurrentDeliveries = 1;
        });

        // The first event occupies the only delivery loop (held at the receiver); then fill the queue.
        Assert.True(host.Publisher.TryPublish(WebhookEvents.For(Completed("b-0"), _receiver.Url)));
        await Poll.UntilAsync(() => _receiver.Requests.Count == 1, "the first delivery to reach the receiver");
        // Publishing must not wait for the stuck receiver (it stays stuck until the gate opens below, so a publisher that
        // blocked would never return): bounded by a deadline, not a wall-clock figure a loaded machine could miss.
        var accepted = await Task.Run(() => Enumerable.Range(1, 10)
            .Select(i => host.Publisher.TryPublish(WebhookEvents.For(Completed($"b-{i}"), _receiver.Url))).ToArray())
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4, accepted.Count(a => a));
        Assert.All(accepted.Skip(4), a => Assert.False(a));

        gate.SetResult();
        await Poll.UntilAsync(() => _receiver.Requests.Count == 5, "the queued events after the receiver recovered");
    }

    [Fact]
    public async Task Deliver_ClientError_IsNotRetried()
    {
        _receiver.Respond = _ => Task.FromResult(400);
        await using var host = await StartAsync();

        var delivered = await host.Dispatcher.DeliverAsync(WebhookEvents.For(Completed("b-400"), _receiver.Url), CancellationToken.None);

        Assert.False(delivered);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task Deliver_TooManyRequests_IsRetried()
    {
        _receiver.Respond = n => Task.FromResult(n == 1 ? 429 : 204);
        await using var host = await StartAsync();

        Assert.True(await host.Dispatcher.DeliverAsync(WebhookEvents.For(Completed("b-429"), _receiver.Url), CancellationToken.None));
        Assert.Equal(2, _receiver.Requests.Count);
    }

    [Fact]
    public async Task Deliver_LoopbackWithPrivateNetworksRefused_NeverConnects()
    {
        await using var host = await StartAsync(o => o.AllowPrivateNetworks = false);

        var delivered = await host.Dispatcher.DeliverAsync(WebhookEvents.For(Completed("b-ssrf"), _receiver.Url), CancellationToken.None);

        Assert.False(delivered);
        Assert.Empty(_receiver.Requests);
    }

    [Fact]
    public async Task Publish_FilteredOutType_IsNotQueued()
    {
        await using var host = await StartAsync(o => o.Events = "job.*");

        Assert.False(host.Publisher.TryPublish(WebhookEvents.For(Completed("b-filtered"), _receiver.Url)));
    }

    [Fact]
    public void AddPipelineWebhooks_ShortSecret_FailsValidation()
    {
        using var provider = Services(o => o.Secret = "short").BuildServiceProvider();
        Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value);
    }

    private static BatchCompleted Completed(string batchId) =>
        new() { BatchId = batchId, Total = 1, Succeeded = 1, Failed = 0, Canceled = 0, CompletedAt = DateTimeOffset.UtcNow };

    private static ServiceCollection Services(Action<WebhookOptions>? configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddPipelineWebhooks(o =>
        {
            o.Secret = Secret;
            o.AllowPrivateNetworks = true;
            o.BaseDelay = TimeSpan.FromMilliseconds(5);
            o.MaxDelay = TimeSpan.FromMilliseconds(50);
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
            configure?.Invoke(o);
        });
        return services;
    }

    private static async Task<Host> StartAsync(Action<WebhookOptions>? configure = null)
    {
        var provider = Services(configure).BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return new Host(provider, hosted);
    }

    private sealed class Host(ServiceProvider provider, IHostedService[] hosted) : IAsyncDisposable
    {
        public IWebhookPublisher Publisher => provider.GetRequiredService<IWebhookPublisher>();

        internal WebhookDispatcher Dispatcher => provider.GetRequiredService<WebhookDispatcher>();

        public async ValueTask DisposeAsync()
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }

            await provider.DisposeAsync();
        }
    }
}
