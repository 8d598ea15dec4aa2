using System.Collections.Concurrent;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// The jobs this worker is running, by id, each with the token source that stops it between engine iterations when a
/// cancel arrives (<see cref="Consumers.JobCanceledConsumer"/>). Registered before the job is marked running, so a
/// cancel recorded after that point always finds it.
/// </summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<string, Registration> _jobs = new(StringComparer.Ordinal);

    /// <summary>Jobs registered now.</summary>
    public int Count => _jobs.Count;

    /// <summary>Registers <paramref name="jobId"/>; its token fires on <see cref="Cancel"/> or when <paramref name="stopping"/> fires.</summary>
    public Registration Register(string jobId, CancellationToken stopping)
    {
        var registration = new Registration(this, jobId, stopping);
        // A redelivered copy of a job already running here replaces nothing: the first one finishes, the copy waits its turn.
        _jobs.AddOrUpdate(jobId, registration, (_, _) => registration);
        return registration;
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

    /// <summary>One running job's cancellation.</summary>
    public sealed class Registration : IDisposable
    {
        private readonly RunningJobs _owner;
        private readonly CancellationTokenSource _source;
        private volatile bool _canceledByRequest;

        internal Registration(RunningJobs owner, string jobId, CancellationToken stopping)
        {
            _owner = owner;
            JobId = jobId;
            _source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        }

        /// <summary>The job.</summary>
        public string JobId { get; }

        /// <summary>Fires when the job is canceled or the worker stops.</summary>
        public CancellationToken Token => _source.Token;

        /// <summary>True when a cancel request (not a shutdown) fired <see cref="Token"/>.</summary>
        public bool CanceledByRequest => _canceledByRequest;

        internal void RequestCancel()
        {
            _canceledByRequest = true;
            try
            {
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The job ended between the lookup and the cancel: nothing left to stop.
            }
        }

        public void Dispose()
        {
            ((ICollection<KeyValuePair<string, Registration>>)_owner._jobs).Remove(new KeyValuePair<string, Registration>(JobId, this));
            _source.Dispose();
        }
    }
}
