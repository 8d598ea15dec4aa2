using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Jobs;
using Pipeline.Worker.Hosting;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// This worker's leases on job records (<see cref="IJobStore.TryLeaseAsync"/>), which make a job compute once however many
/// copies of its message exist: concurrent identical submissions each send one, a client retry sends another, RabbitMQ
/// redelivers a message whose channel closed. A message's consumer claims the job (<see cref="ClaimAsync"/>) before the
/// engine sees it; one claim wins, the lease is renewed while the job runs (<see cref="JobLeaseRenewer"/>) and given back
/// if the worker cannot finish it, and only the holder may mark the job succeeded and announce it.
/// <para>
/// What a copy does when a live lease of another worker holds the job — the rule that keeps every job finishing:
/// a consumer acknowledges a job message only after returning, so the holder's own message stays unacknowledged on its
/// channel for as long as it works on the job; if the holder dies (or its connection drops), RabbitMQ puts that message
/// back on the queue marked <em>redelivered</em>. So:
/// </para>
/// <list type="bullet">
/// <item>a copy that was <em>not</em> redelivered is never the holder's own message, and it is acknowledged without work:
/// the holder's message is still out there and will come back if the holder dies;</item>
/// <item>a <em>redelivered</em> copy may be the holder's own message coming back — the holder died, or only its
/// connection did — so it is kept, and waits until the lease ends: it expires (the holder died: this worker takes the job
/// over) or the job ends (the holder finished: the copy is acknowledged). Acknowledging it instead could leave no message
/// for the job at all.</item>
/// </list>
/// The holder's id is this process's own (<see cref="Holder"/>), so a restarted worker never mistakes an old lease for its own.
/// </summary>
public sealed partial class JobLeases(IJobStore jobs, RunningJobs running, IOptions<WorkerOptions> options, TimeProvider time,
    ILogger<JobLeases> logger)
{
    /// <summary>Longest wait for a lease to be given back when the job's message cannot be finished (the job is then taken over when it expires).</summary>
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Shortest wait between two looks at a lease another worker holds.</summary>
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(100);

    /// <summary>This process's lease-holder id: the machine, the process id and random digits (a restart is a new holder).</summary>
    public string Holder { get; } = NewHolderId();

    /// <summary>How long a lease lasts unless renewed (<see cref="WorkerOptions.LeaseDuration"/>).</summary>
    public TimeSpan Duration => options.Value.LeaseDuration;

    /// <summary>How often the leases are renewed: a third of <see cref="Duration"/>, so two renewals can fail before one expires.</summary>
    public TimeSpan RenewInterval => Duration / 3;

    /// <summary>
    /// Claims job <paramref name="jobId"/> for one copy of its message (see the class remarks for what a copy does when
    /// another worker holds it). <paramref name="redelivered"/>: the broker's redelivered flag of the message.
    /// </summary>
    public async Task<JobClaim> ClaimAsync(string jobId, bool redelivered, CancellationToken cancellationToken)
    {
        var waited = false;
        while (true)
        {
            JobRecord? record = null;
            var registration = running.TryRegister(jobId, cancellationToken);
            if (registration is not null)
            {
                JobTransition taken;
                try
                {
                    taken = await jobs.TryLeaseAsync(jobId, Holder, Duration, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    registration.Dispose();
                    throw;
                }

                if (taken.Applied)
                {
                    registration.HoldsLease = true;
                    var kind = taken.Job!.Status == JobStatus.Succeeded ? JobClaimKind.Announce : JobClaimKind.Run;
                    return new JobClaim(this, kind, taken.Job, registration);
                }

                registration.Dispose();
                record = taken.Job;
                if (record is null || HasEnded(record))
                {
                    return new JobClaim(this, JobClaimKind.Ended, record, null);
                }
            }

            // Held by a live lease: another worker's, or this worker's own run of the job (registered above).
            if (!redelivered)
            {
                return new JobClaim(this, JobClaimKind.HeldElsewhere, record, null);
            }

            if (!waited)
            {
                LogWaiting(logger, jobId, record?.LeasedBy ?? Holder);
                waited = true;
            }

            await Task.Delay(WaitFor(record), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Renews every lease this worker holds; a job whose lease is gone (taken over after it expired, canceled, failed) is
    /// stopped. Returns how many were renewed.
    /// </summary>
    public async Task<int> RenewAsync(CancellationToken cancellationToken)
    {
        var leased = running.Leased();
        if (leased.Count == 0)
        {
            return 0;
        }

        var held = await jobs.RenewLeasesAsync(Holder, [.. leased.Select(r => r.JobId)], Duration, cancellationToken).ConfigureAwait(false);
        foreach (var registration in leased)
        {
            // A claim that ended since the snapshot gave its lease back itself: that is not a loss.
            if (!held.Contains(registration.JobId) && registration.HoldsLease)
            {
                LogLost(logger, registration.JobId);
                registration.LoseLease();
            }
        }

        return held.Count;
    }

    /// <summary>Gives the lease of a job this worker could not finish back, best effort: a lease left behind simply expires.</summary>
    internal async Task ReleaseAsync(string jobId)
    {
        using var timeout = new CancellationTokenSource(ReleaseTimeout, time);
        try
        {
            await jobs.ReleaseLeaseAsync(jobId, Holder, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReleaseFailed(logger, jobId, Duration.TotalSeconds, e.Message);
        }
    }

    /// <summary>Ended for good: nothing left for anyone to do (a succeeded job still holding a lease has its announcement pending).</summary>
    private static bool HasEnded(JobRecord record) =>
        record.Status is JobStatus.Failed or JobStatus.Canceled || record is { Status: JobStatus.Succeeded, LeaseExpiresAt: null };

    /// <summary>Until the lease can expire, but at most a renewal interval, so a job that ends sooner is noticed soon.</summary>
    private TimeSpan WaitFor(JobRecord? record)
    {
        var untilExpiry = record?.LeaseExpiresAt is { } expires ? expires - time.GetUtcNow() : RenewInterval;
        return untilExpiry < MinimumWait ? MinimumWait : untilExpiry > RenewInterval ? RenewInterval : untilExpiry;
    }

    private static string NewHolderId()
    {
        var machine = new string([.. Environment.MachineName.Take(100).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-')]);
        return string.Create(CultureInfo.InvariantCulture,
            $"{machine}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
    }

    [LoggerMessage(EventId = 80, Level = LogLevel.Information,
        Message = "Job {JobId}: a redelivered copy found the job leased by {Holder}; it waits until the lease ends (the holder finishes, or it expires and this worker takes over)")]
    private static partial void LogWaiting(ILogger logger, string jobId, string holder);

    [LoggerMessage(EventId = 81, Level = LogLevel.Warning,
        Message = "Job {JobId}: its lease is gone (another worker took it over after it expired, or it was canceled or failed); stopping it here")]
    private static partial void LogLost(ILogger logger, string jobId);

    [LoggerMessage(EventId = 82, Level = LogLevel.Warning,
        Message = "Job {JobId}: its lease could not be given back ({Reason}); another worker can take the job over when it expires (at most {Seconds} s)")]
    private static partial void LogReleaseFailed(ILogger logger, string jobId, double seconds, string reason);
}
