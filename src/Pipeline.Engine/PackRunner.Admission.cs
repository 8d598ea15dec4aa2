using Microsoft.Extensions.Logging;

namespace Pipeline.Engine;

/// <summary>Between iterations: cancellations are honoured and free slots are filled by priority.</summary>
internal sealed partial class PackRunner
{
    /// <summary>Cancellation is honoured between iterations: the job leaves its slot and its task is canceled.</summary>
    private void DropCanceled()
    {
        var keep = 0;
        for (var i = 0; i < _active.Count; i++)
        {
            var job = _active[i];
            if (job.CancellationToken.IsCancellationRequested)
            {
                Cancel(job);
            }
            else
            {
                _active[keep++] = job;
            }
        }

        _active.RemoveRange(keep, _active.Count - keep);
        if (Interlocked.Exchange(ref _cancellationSeen, 0) == 0)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var queue in _waiting)
            {
                for (var i = queue.Count; i > 0; i--)
                {
                    var job = queue.Dequeue();
                    if (job.CancellationToken.IsCancellationRequested)
                    {
                        _load.LeftQueue(job.Cost);
                        Cancel(job);
                    }
                    else
                    {
                        queue.Enqueue(job);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Fills free slots: interactive first, then standard, then bulk; first come first served within a class. Slots are
    /// forward rows: a job takes <see cref="JobState.Cost"/> of them (a canvas one per window). A job that does not fit
    /// stops admission until rows free up, so a lower class never overtakes it; one that needs more rows than the pool
    /// has runs alone.
    /// </summary>
    private void Admit()
    {
        lock (_gate)
        {
            foreach (var queue in _waiting)
            {
                while (queue.TryPeek(out var next))
                {
                    if (!next.CancellationToken.IsCancellationRequested && _rowsBusy > 0 && _rowsBusy + next.Cost > _capacity)
                    {
                        return;
                    }

                    var job = queue.Dequeue();
                    _load.LeftQueue(job.Cost);
                    if (job.CancellationToken.IsCancellationRequested)
                    {
                        Cancel(job);
                        continue;
                    }

                    _load.Admitted(job.Cost);
                    Interlocked.Add(ref _slotsBusy, job.Cost);
                    _rowsBusy += job.Cost;
                    job.InSlot = true;
                    job.AdmittedAt = _time.GetTimestamp();
                    // docs/architecture.md §4: backlog = forward rows still waiting in this engine + what the host reports waiting outside it.
                    var backlog = _load.Waiting + _load.ExternalBacklog;
                    job.Steps = _budgets.Resolve(job.Job.Priority, job.Job.Steps, backlog);
                    _admitted.Add(job);
                    _metrics?.Admitted(Tags, job.Job.Priority, job.Steps.Requested, job.Steps.Used);
                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        UnderJob(job, () => _logger.JobAdmitted(job.Job.JobId, _pack.Name, job.Job.Priority, job.Steps.Used, job.Steps.Requested, backlog));
                    }
                }
            }
        }
    }
}
