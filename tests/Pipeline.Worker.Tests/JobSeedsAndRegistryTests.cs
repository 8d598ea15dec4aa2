using Pipeline.Contracts;
using Pipeline.Worker.Jobs;

namespace Pipeline.Worker.Tests;

public sealed class JobSeedsAndRegistryTests
{
    [Fact]
    public void ForJob_SameId_SameSeedWithinTheContractRange()
    {
        var seed = JobSeeds.ForJob("job-1");

        Assert.Equal(seed, JobSeeds.ForJob("job-1"));
        Assert.NotEqual(seed, JobSeeds.ForJob("job-2"));
        Assert.InRange(seed, 0, SubmitJobRules.MaxSeed);
    }

    [Fact]
    public void Cancel_RegisteredJob_TokenFiresAndMarkedAsRequested()
    {
        var running = new RunningJobs();
        using var registration = running.TryRegister("j", CancellationToken.None)!;

        Assert.True(running.Cancel("j"));
        Assert.True(registration.Token.IsCancellationRequested);
        Assert.True(registration.CanceledByRequest);
        Assert.False(running.Cancel("other"));
    }

    [Fact]
    public void TryRegister_JobRegisteredAlready_NullUntilTheFirstIsDisposed()
    {
        var running = new RunningJobs();
        var first = running.TryRegister("j", CancellationToken.None)!;

        Assert.Null(running.TryRegister("j", CancellationToken.None));
        first.Dispose();
        using var second = running.TryRegister("j", CancellationToken.None);
        Assert.NotNull(second);
    }

    [Fact]
    public void Register_WorkerStopping_TokenFiresButNotAsCancelRequest()
    {
        using var stopping = new CancellationTokenSource();
        var running = new RunningJobs();
        using var registration = running.TryRegister("j", stopping.Token)!;

        stopping.Cancel();

        Assert.True(registration.Token.IsCancellationRequested);
        Assert.False(registration.CanceledByRequest);
    }

    [Fact]
    public void Dispose_Registration_JobNoLongerCancellable()
    {
        var running = new RunningJobs();
        running.TryRegister("j", CancellationToken.None)!.Dispose();

        Assert.False(running.Cancel("j"));
        Assert.Equal(0, running.Count);
    }
}
