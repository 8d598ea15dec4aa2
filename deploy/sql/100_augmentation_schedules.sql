-- Augmentation schedules and their runs (Pipeline.Scheduler). Applied by Pipeline.Storage's migrator like every
-- file here (one transaction, advisory lock, search_path set to the configured schema): names are unqualified.
-- The 1NN range belongs to the scheduler so its files never collide with the storage migrations (0NN).

-- One row per schedule; the definition is the JSON the HTTP API and configuration use (AugmentationSchedule).
CREATE TABLE augmentation_schedules (
    id          text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    definition  jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- One row per (schedule, period): the unique key is the idempotency key of a run, so a second trigger for the
-- same period (a retried Hangfire job, "run now" after the cron fired, two scheduler replicas) finds the row
-- and makes no second batch. The plan (every job with its seed, strength or mask) is stored with the claim, so
-- a run can be resubmitted after a crash and its dataset written without re-reading the schedule.
-- No foreign key to augmentation_schedules: deleting a schedule keeps the history of what it produced.
CREATE TABLE augmentation_runs (
    schedule_id   text        NOT NULL,
    period_start  timestamptz NOT NULL,
    batch_id      text        NOT NULL UNIQUE CHECK (length(batch_id) BETWEEN 1 AND 128),
    status        text        NOT NULL CHECK (status IN ('claimed', 'submitted', 'completed')),
    plan          jsonb       NOT NULL,
    job_count     integer     NOT NULL CHECK (job_count BETWEEN 1 AND 1000),
    succeeded     integer     CHECK (succeeded IS NULL OR succeeded >= 0),
    dataset_path  text,
    created_at    timestamptz NOT NULL,
    submitted_at  timestamptz,
    completed_at  timestamptz,
    PRIMARY KEY (schedule_id, period_start),
    CHECK ((status = 'completed') = (completed_at IS NOT NULL AND dataset_path IS NOT NULL))
);

-- The reconciler's scan: runs not completed yet.
CREATE INDEX augmentation_runs_open ON augmentation_runs (created_at) WHERE status <> 'completed';
