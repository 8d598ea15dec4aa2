-- The event outbox (docs/architecture.md §5, "Announced once"): one row per terminal event, written in the same
-- statement (so the same transaction) as the job's or batch's terminal state, and published from here by a dispatcher
-- that records it sent. A worker dying after the commit leaves the row pending, and some worker's dispatcher publishes
-- it; the job's state and the row cannot disagree. Applied like every file here (one transaction, advisory lock,
-- search_path set to the configured schema). Timestamps are the writers' clocks (TimeProvider), as in jobs.
--
-- message_id  the event's bus MessageId, derived from event_type and subject_id (Pipeline.Contracts.EventMessageIds):
--             the primary key, so one job has at most one row per event type however many writers try.
-- sequence    insertion order: the dispatcher publishes in it (a job's JobCompleted before its batch's BatchCompleted).
-- subject_id  the job id (job.*) or batch id (batch.completed); the event is built from that record when published.
-- sent_at     when a dispatcher's publication was confirmed and recorded; null while pending. Sent rows are kept for a
--             while (Pipeline:Worker:OutboxRetention) to show what was announced, then deleted.
CREATE TABLE event_outbox (
    message_id uuid        PRIMARY KEY,
    sequence   bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    event_type text        NOT NULL CHECK (event_type IN ('job.completed', 'job.failed', 'job.canceled', 'batch.completed')),
    subject_id text        NOT NULL CHECK (length(subject_id) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL,
    sent_at    timestamptz,
    UNIQUE (event_type, subject_id)
);

-- The dispatcher's scan: pending rows in order.
CREATE INDEX event_outbox_pending ON event_outbox (sequence) WHERE sent_at IS NULL;
