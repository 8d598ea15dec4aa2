using System.Collections.Concurrent;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// The jobs this worker is working on, by id, at most one registration per job: each with the token source that stops
/// it between engine iterations when a cancel arrives (<see cref="Consumers.JobCanceledConsumer"/>) or its lease is lost
/// (<see cref="JobLeaseRenewer"/>), and whether it holds the job's lease (the renewer renews exactly those). A job is
/// registered before its lease is taken, so a second copy of its message on this worker finds it here and never runs
/// it twice, and a cancel recorded after the lease always finds it.
/// </summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<string, Registration> _jobs = new(StringComparer.Ordinal);

    /// <summary>Jobs registered now.</summary>
    public int Count => _jobs.Count;

    /// <summary>
    /// Registers <paramref name="jobId"/>; its token fires on <see cref="Cancel"/>, a lost lease, or when
    /// <paramref name="stopping"/> fires. Null when the job is registered already (another copy of its message runs here).
    /// </summary>
    public Registration? TryRegister(string jobId, CancellationToken stopping)
    {
        var registration = new Registration(this, jobId, stopping);
        if (_jobs.TryAdd(jobId, registration))
        {
            return registration;
        }

        registration.Dispose();
        return null;
    }

    /// <summary>Cancels the job if it runs here; true when it did.</summary>
    public bool Cancel(string jobId)
    {
        if (!_jobs.TryGetValue(jobId, out var registration))
        {
            return false;
        }

        registration.RequestCancel();
        return true;
    }

    /// <summary>The registrations that hold their job's lease now.</summary>
    public IReadOnlyList<Registration> Leased() => [.. _jobs.Values.Where(r => r.HoldsLease)];

    /// <summary>One job's registration: its cancellation and its lease.</summary>
    public sealed class Registration : IDisposable
    {
        private readonly RunningJobs _owner;
        private readonly CancellationTokenSource _source;
        private volatile bool _canceledByRequest;
        private volatile bool _leaseLost;
        private volatile bool _holdsLease;

        internal Registration(RunningJobs owner, string jobId, CancellationToken stopping)
        {
            _owner = owner;
            JobId = jobId;
            _source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        }

        /// <summary>The job.</summary>
        public string JobId { get; }

        /// <summary>Fires when the job is canceled, its lease is lost, or the worker stops.</summary>
        public CancellationToken Token => _source.Token;

        /// <summary>True when a cancel request (not a shutdown) fired <see cref="Token"/>.</summary>
        public bool CanceledByRequest => _canceledByRequest;

        /// <summary>True when the lease renewal found the lease gone (another worker took the job over, or it ended) and fired <see cref="Token"/>.</summary>
        public bool LeaseLost => _leaseLost;

        /// <summary>True from when the job's lease is taken until it is given back or announced.</summary>
        public bool HoldsLease
        {
            get => _holdsLease;
            internal set => _holdsLease = value;
        }

        internal void RequestCancel()
        {
            _canceledByRequest = true;
            Fire();
        }

        internal void LoseLease()
        {
            _holdsLease = false;
            _leaseLost = true;
            Fire();
        }

        public void Dispose()
        {
            _holdsLease = false;
            ((ICollection<KeyValuePair<string, Registration>>)_owner._jobs).Remove(new KeyValuePair<string, Registration>(JobId, this));
            _source.Dispose();
        }

        private void Fire()
        {
            try
            {
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The job ended between the lookup and the cancel: nothing left to stop.
            }
        }
    }
}
