-- Job leases (docs/architecture.md §5, "Computed once"): the right of one worker to act on a job, so a duplicate or
-- redelivered message never computes it a second time. Applied like every file here (one transaction, advisory lock,
-- search_path set to the configured schema). Timestamps are the writers' clocks (TimeProvider), as elsewhere in jobs,
-- so a lease's duration must exceed the clock difference between workers.
--
-- leased_by        the worker that holds the lease, or held it last (kept after the job ends: who ran it).
-- lease_expires_at while a worker holds the lease: until when, unless renewed. It is set when a worker takes the job
--                  (queued -> running) and renewed while the job runs; a job whose lease has expired is taken over by
--                  another worker. A succeeded job keeps it until its JobCompleted is published, so a worker that died
--                  between the two leaves the announcement, not the computation, to whoever takes the lease next.
--                  Null when no worker holds it: not started, given back, failed, canceled, or succeeded and announced.
ALTER TABLE jobs
    ADD COLUMN leased_by        text CHECK (leased_by IS NULL OR length(leased_by) BETWEEN 1 AND 200),
    ADD COLUMN lease_expires_at timestamptz,
    ADD CONSTRAINT jobs_lease_while_running_or_announcing
        CHECK (lease_expires_at IS NULL OR (leased_by IS NOT NULL AND status IN ('running', 'succeeded')));
