using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Storage.Jobs;
using Pipeline.Worker.Jobs;
using Pipeline.Worker.Tests.Fakes;

namespace Pipeline.Worker.Tests;

public sealed class ProgressReporterTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryJobStore _jobs = new();
    // As WorkerHarness: MassTransit's default 1.2 s of inactivity can end the harness's watch before a loaded machine publishes.
    private readonly ServiceProvider _provider = new ServiceCollection()
        .AddMassTransitTestHarness(x => x.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(30), testInactivityTimeout: TimeSpan.FromSeconds(5)))
        .BuildServiceProvider(true);
    private readonly SubmitJob _job = new() { JobId = "progress-1", Kind = JobKinds.Generation };
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
        await _jobs.InsertAsync(NewJob.From(_job));
        await _jobs.TryLeaseAsync(_job.JobId, "test-worker", TimeSpan.FromMinutes(1));
    }

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task JobEndingWithinItsFirstInterval_SendsNoProgress()
    {
        var reporter = new ProgressReporter(_job, _harness.Bus, _jobs, Interval, _time, NullLogger.Instance);
        reporter.Report(new JobProgress(_job.JobId, 1, 4));
        reporter.Report(new JobProgress(_job.JobId, 2, 4));
        _time.Advance(Interval / 2);

        await reporter.DisposeAsync();

        Assert.Equal(0, _jobs[_job.JobId]!.ProgressStep);
        Assert.Empty(_harness.Published.Select<JobProgressed>());
    }

    [Fact]
    public async Task LongJob_SendsTheLatestStepOncePerInterval()
    {
        var reporter = new ProgressReporter(_job, _harness.Bus, _jobs, Interval, _time, NullLogger.Instance);
        await using (reporter)
        {
            reporter.Report(new JobProgress(_job.JobId, 1, 4));
            await AdvanceUntilAsync(() => _jobs[_job.JobId]!.ProgressStep == 1, "step 1 recorded after the first interval");

            // Both reports land within one interval: only the latest goes out.
            reporter.Report(new JobProgress(_job.JobId, 2, 4));
            reporter.Report(new JobProgress(_job.JobId, 3, 4));
            await AdvanceUntilAsync(() => _jobs[_job.JobId]!.ProgressStep == 3, "step 3 recorded after the second interval");
        }

        var steps = _harness.Published.Select<JobProgressed>().Select(m => m.Context.Message.Step).ToList();
        Assert.Equal([1, 3], steps);
    }

    /// <summary>
    /// Moves the fake clock one interval at a time until <paramref name="condition"/> holds: the pump registers its
    /// delay on its own thread, possibly after an advance, so one advance is not always enough.
    /// </summary>
    private Task AdvanceUntilAsync(Func<bool> condition, string what) =>
        Poll.UntilAsync(() =>
        {
            if (condition())
            {
                return true;
            }

            _time.Advance(Interval);
            return false;
        }, what);
}
