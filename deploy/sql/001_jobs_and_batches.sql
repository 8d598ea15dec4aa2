-- Job and batch records (docs/architecture.md §4). Applied by Pipeline.Storage's migrator inside one transaction, under an
-- advisory lock, with search_path set to the configured schema: names here are unqualified on purpose.
-- To apply by hand: SET search_path TO pipeline; then run each file in order and record it in schema_migrations.

-- A batch groups jobs submitted together. expected_jobs is null for a batch created implicitly by a job that
-- names it before (or without) a SubmitBatch: such a batch never completes by itself.
CREATE TABLE batches (
    id            text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
    status        text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed')),
    expected_jobs integer     CHECK (expected_jobs IS NULL OR expected_jobs > 0),
    callback_url  text        CHECK (callback_url IS NULL OR length(callback_url) <= 2048),
    submitted_at  timestamptz NOT NULL,
    created_at    timestamptz NOT NULL,
    completed_at  timestamptz,
    CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);

-- One row per job id (the idempotency key). Status only moves forward; the store's UPDATEs enforce that with
-- their WHERE clauses, and the CHECKs below keep each terminal status's columns consistent.
CREATE TABLE jobs (
    id              text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
    batch_id        text        REFERENCES batches (id),
    kind            text        NOT NULL CHECK (length(kind) <= 64),
    status          text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    priority        text        NOT NULL CHECK (length(priority) <= 64),
    request         jsonb       NOT NULL,
    progress_step   integer     NOT NULL DEFAULT 0 CHECK (progress_step >= 0),
    progress_steps  integer     NOT NULL DEFAULT 0 CHECK (progress_steps >= 0),
    steps_used      integer     CHECK (steps_used IS NULL OR steps_used > 0),
    result_key      text,
    error_code      text        CHECK (error_code IS NULL OR length(error_code) <= 100),
    error_message   text        CHECK (error_message IS NULL OR length(error_message) <= 2000),
    error_retryable boolean,
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    submitted_at    timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL,
    CHECK ((status = 'succeeded') = (result_key IS NOT NULL AND steps_used IS NOT NULL)),
    CHECK ((status = 'failed') = (error_code IS NOT NULL)),
    CHECK ((status IN ('succeeded', 'failed', 'canceled')) = (finished_at IS NOT NULL))
);

-- Batch pages (ORDER BY id after a cursor) and per-status counts.
CREATE INDEX jobs_batch_id_id ON jobs (batch_id, id) WHERE batch_id IS NOT NULL;
CREATE INDEX jobs_batch_id_status ON jobs (batch_id, status) WHERE batch_id IS NOT NULL;
-- Operators' "what is stuck" queries.
CREATE INDEX jobs_status_updated_at ON jobs (status, updated_at) WHERE status IN ('queued', 'running');
