-- Runs recorded from the moment they are asked for, and runs that fail (Pipeline.Scheduler).
--
-- `requested`: "run now" (or a cron firing) records the period's run before anything is planned, under the same unique
-- (schedule, period) key, so of parallel "run now" calls for one period exactly one inserts it (answered 202) and the
-- others find it (200, same batch id). The trigger then plans the run and moves it to `claimed`.
-- `failed`: a run whose source cannot make a batch (folder or manifest gone, no decodable image, too many jobs) is kept
-- with the reason in `error`, so GET /v1/schedules/{id}/runs shows why instead of staying empty. "Run now" re-requests
-- a failed period.
-- Neither has planned jobs yet: job_count 0 and an empty plan.

ALTER TABLE augmentation_runs DROP CONSTRAINT augmentation_runs_status_check;
ALTER TABLE augmentation_runs ADD CONSTRAINT augmentation_runs_status_check
    CHECK (status IN ('requested', 'claimed', 'submitted', 'completed', 'failed'));

ALTER TABLE augmentation_runs DROP CONSTRAINT augmentation_runs_job_count_check;
ALTER TABLE augmentation_runs ADD CONSTRAINT augmentation_runs_job_count_check
    CHECK (job_count BETWEEN 0 AND 1000 AND (job_count = 0) = (status IN ('requested', 'failed')));

ALTER TABLE augmentation_runs ADD COLUMN error text;
ALTER TABLE augmentation_runs ADD CONSTRAINT augmentation_runs_error_check CHECK ((status = 'failed') = (error IS NOT NULL));

-- The reconciler's scan: runs still moving (a failed run waits for someone to ask again).
DROP INDEX augmentation_runs_open;
CREATE INDEX augmentation_runs_open ON augmentation_runs (created_at) WHERE status IN ('requested', 'claimed', 'submitted');
