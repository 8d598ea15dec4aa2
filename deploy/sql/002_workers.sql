-- The fleet view: one row per running worker, upserted by its heartbeat and deleted when it stops gracefully. A worker
-- that stops heartbeating (a crash) drops out of every view after Pipeline:Fleet:WorkerTimeout; its row is deleted by
-- a reader after Pipeline:Fleet:PruneAfter. Timestamps are the writers' clocks (TimeProvider), as in jobs.
-- Applied like every file here (one transaction, advisory lock, search_path set to the configured schema).
CREATE TABLE workers (
    id                 text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
    host               text        NOT NULL CHECK (length(host) <= 255),
    -- The model packs the worker has loaded: [{"name": "emoji-32", "version": "1.0.0"}, ...].
    packs              jsonb       NOT NULL CHECK (jsonb_typeof(packs) = 'array'),
    denoiser_precision text        NOT NULL CHECK (length(denoiser_precision) <= 32),
    -- What ONNX Runtime runs on after the CUDA -> CPU fallback ('cpu', 'cuda'), and the CUDA device when on CUDA.
    execution_provider text        NOT NULL CHECK (length(execution_provider) <= 32),
    cuda_device_id     integer     CHECK (cuda_device_id IS NULL OR cuda_device_id >= 0),
    slots_total        integer     NOT NULL CHECK (slots_total >= 0),
    slots_busy         integer     NOT NULL CHECK (slots_busy BETWEEN 0 AND slots_total),
    jobs_done          bigint      NOT NULL CHECK (jobs_done >= 0),
    version            text        NOT NULL CHECK (length(version) <= 256),
    started_at         timestamptz NOT NULL,
    last_seen_at       timestamptz NOT NULL
);

-- Live workers (seen within the timeout) and pruning (not seen for long).
CREATE INDEX workers_last_seen_at ON workers (last_seen_at);
-- Queue depth and the oldest waiting job: only queued jobs, by submission time.
CREATE INDEX jobs_queued_submitted_at ON jobs (submitted_at) WHERE status = 'queued';
-- Throughput: jobs that ended in the last minute.
CREATE INDEX jobs_finished_at ON jobs (finished_at) WHERE finished_at IS NOT NULL;
