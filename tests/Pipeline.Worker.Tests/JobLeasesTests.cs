using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;
using Pipeline.Worker.Hosting;
using Pipeline.Worker.Jobs;
using Pipeline.Worker.Tests.Fakes;

namespace Pipeline.Worker.Tests;

/// <summary>
/// What a copy of a job's message does when another worker's live lease holds the job: dropped when it was not
/// redelivered (the holder's own message is still out there), kept waiting when it was (it may be the holder's own
/// message, back because the holder died), until the lease expires or the job ends.
/// </summary>
public sealed class JobLeasesTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryJobStore _jobs;
    private readonly JobLeases _leases;

    public JobLeasesTests()
    {
        _jobs = new InMemoryJobStore(_time);
        _leases = new JobLeases(_jobs, new RunningJobs(), Options.Create(new WorkerOptions { LeaseDuration = Lease }), _time,
            NullLogger<JobLeases>.Instance);
    }

    [Fact]
    public async Task ClaimAsync_NotRedeliveredWhileAnotherWorkerHoldsTheJob_HeldElsewhereAtOnce()
    {
        await HeldByAsync("j", "other", _time.GetUtcNow() + TimeSpan.FromSeconds(20));

        await using var claim = await _leases.ClaimAsync("j", redelivered: false, CancellationToken.None);

        Assert.Equal(JobClaimKind.HeldElsewhere, claim.Kind);
        Assert.Equal("other", _jobs["j"]!.LeasedBy);
    }

    [Fact]
    public async Task ClaimAsync_RedeliveredWhileTheHolderIsDead_WaitsForTheLeaseToExpireThenTakesTheJobOver()
    {
        var expires = _time.GetUtcNow() + TimeSpan.FromSeconds(20);
        await HeldByAsync("j", "dead", expires);

        var claiming = _leases.ClaimAsync("j", redelivered: true, CancellationToken.None);
        await using var claim = await AdvanceUntilAsync(claiming);

        Assert.Equal(JobClaimKind.Run, claim.Kind);
        Assert.True(_time.GetUtcNow() >= expires, "taken before the lease expired");
        Assert.Equal((_leases.Holder, 2), (_jobs["j"]!.LeasedBy, _jobs["j"]!.Attempts));
        Assert.True(claim.Registration!.HoldsLease);
    }

    [Fact]
    public async Task ClaimAsync_RedeliveredAndTheHolderFinishes_EndedWithoutTakingTheJob()
    {
        await HeldByAsync("j", "live", _time.GetUtcNow() + TimeSpan.FromSeconds(20));
        var claiming = _leases.ClaimAsync("j", redelivered: true, CancellationToken.None);
        Assert.False(claiming.IsCompleted);

        await _jobs.MarkSucceededAsync("j", "live", new JobSuccess("results/j", 4));
        await _jobs.MarkAnnouncedAsync("j", "live");
        await using var claim = await AdvanceUntilAsync(claiming);

        Assert.Equal(JobClaimKind.Ended, claim.Kind);
        Assert.Equal("live", _jobs["j"]!.LeasedBy);
    }

    [Fact]
    public async Task DisposeAsync_RunClaimNotSettled_GivesTheLeaseBackForTheNextDelivery()
    {
        await _jobs.InsertAsync(NewJob.From(Job("j")));
        var claim = await _leases.ClaimAsync("j", redelivered: false, CancellationToken.None);
        Assert.Equal(JobClaimKind.Run, claim.Kind);

        await claim.DisposeAsync();

        Assert.Null(_jobs["j"]!.LeaseExpiresAt);
        await using var next = await _leases.ClaimAsync("j", redelivered: false, CancellationToken.None);
        Assert.Equal(JobClaimKind.Run, next.Kind);
    }

    [Fact]
    public async Task RenewAsync_HeldLease_ExtendedByTheLeaseDuration()
    {
        await _jobs.InsertAsync(NewJob.From(Job("j")));
        await using var claim = await _leases.ClaimAsync("j", redelivered: false, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(10));

        var renewed = await _leases.RenewAsync(CancellationToken.None);

        Assert.Equal(1, renewed);
        Assert.Equal(_time.GetUtcNow() + Lease, _jobs["j"]!.LeaseExpiresAt);
        Assert.False(claim.Registration!.LeaseLost);
    }

    private async Task HeldByAsync(string jobId, string holder, DateTimeOffset expires)
    {
        await _jobs.InsertAsync(NewJob.From(Job(jobId)));
        _jobs.LeaseTo(jobId, holder, expires);
    }

    /// <summary>Moves the fake clock a second at a time until <paramref name="claiming"/> completes (30 s of real time at most).</summary>
    private async Task<JobClaim> AdvanceUntilAsync(Task<JobClaim> claiming)
    {
        await Poll.UntilAsync(() =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return claiming.IsCompleted;
        }, "the claim to complete");
        return await claiming;
    }

    private static SubmitJob Job(string id) => new() { JobId = id, Kind = JobKinds.Generation, Steps = 4 };
}
