using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Npgsql;
using Pipeline.Contracts.Telemetry;
using Pipeline.Storage.Resilience;

namespace Pipeline.Storage.Tests;

/// <summary><c>pipeline_storage_retries_total{operation}</c>: one count per retry, under the store operation that was retried.</summary>
public sealed class StorageMetricsTests : IDisposable
{
    private static readonly StorageResilienceOptions NoDelay = new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.Zero, UseJitter = false };
    private readonly TestMeterFactory _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task TransientFaultTwice_TwoRetriesCountedUnderTheOperation()
    {
        using var retries = new MetricCollector<long>(_meters, PipelineTelemetry.MeterName, PipelineMetricNames.StorageRetries);
        var inner = new FlakyJobStore(failures: 2, () => new NpgsqlException("connection reset", new IOException("reset")));
        var store = new ResilientJobStore(inner, StorageResilience.CreatePipeline(NoDelay, TimeProvider.System, metrics: new StorageMetrics(_meters)));

        await store.GetAsync("j");

        var counted = retries.GetMeasurementSnapshot();
        Assert.Equal(2, counted.Sum(m => m.Value));
        Assert.All(counted, m => Assert.Equal("jobs.get", m.Tags[PipelineMetricTags.Operation]));
    }

    [Fact]
    public async Task NoFault_NothingCounted()
    {
        using var retries = new MetricCollector<long>(_meters, PipelineTelemetry.MeterName, PipelineMetricNames.StorageRetries);
        var store = new ResilientJobStore(new FlakyJobStore(failures: 0, () => new IOException()),
            StorageResilience.CreatePipeline(NoDelay, TimeProvider.System, metrics: new StorageMetrics(_meters)));

        await store.GetAsync("j");

        Assert.Empty(retries.GetMeasurementSnapshot());
    }

    [Theory]
    [InlineData("jobs", "MarkSucceededAsync", "jobs.mark_succeeded")]
    [InlineData("results", "WriteAsync", "results.write")]
    [InlineData("jobs", "TryCompleteBatchAsync", "jobs.try_complete_batch")]
    public void OperationName_StoreAndMethod_SnakeCaseWithoutAsync(string store, string method, string expected) =>
        Assert.Equal(expected, StorageOperation.Name(store, method));
}
