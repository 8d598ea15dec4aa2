using Pipeline.Storage.Jobs;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// One message's claim on its job (<see cref="JobLeases.ClaimAsync"/>). Disposing it ends the job's registration on this
/// worker and — unless the consumer reported the job <see cref="Settle">settled</see> — gives a running job's lease back,
/// so a fault or a shutdown leaves the job for the next delivery of its message at once rather than after the lease
/// expires. A succeeded job's lease is never given back here: it is ended by announcing the job.
/// </summary>
public sealed class JobClaim : IAsyncDisposable
{
    private readonly JobLeases _leases;
    private bool _settled;

    internal JobClaim(JobLeases leases, JobClaimKind kind, JobRecord? record, RunningJobs.Registration? registration)
    {
        _leases = leases;
        Kind = kind;
        Record = record;
        Registration = registration;
    }

    /// <summary>What the consumer may do.</summary>
    public JobClaimKind Kind { get; }

    /// <summary>The record as the claim found or left it; null when no job has the id.</summary>
    public JobRecord? Record { get; }

    /// <summary>The job's registration on this worker (its cancellation), while the claim holds the lease; otherwise null.</summary>
    public RunningJobs.Registration? Registration { get; }

    /// <summary>The lease holder id to mark the job succeeded and announce it with.</summary>
    public string Holder => _leases.Holder;

    /// <summary>The job reached an outcome this worker recorded or saw recorded (succeeded, failed, canceled, lost): nothing to give back.</summary>
    public void Settle() => _settled = true;

    public async ValueTask DisposeAsync()
    {
        if (Registration is null)
        {
            return;
        }

        var release = Kind == JobClaimKind.Run && !_settled && Registration.HoldsLease;
        Registration.HoldsLease = false;
        if (release)
        {
            await _leases.ReleaseAsync(Registration.JobId).ConfigureAwait(false);
        }

        Registration.Dispose();
    }
}
