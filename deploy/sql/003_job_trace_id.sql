-- The trace a job was submitted under (W3C trace id, 32 lowercase hex digits), so an operator can open the job's trace
-- from GET /v1/jobs/{id} (docs/operations.md, "Following one job's trace"). Null for jobs recorded outside any trace
-- and for jobs recorded before this migration.
ALTER TABLE jobs ADD COLUMN trace_id text CHECK (trace_id IS NULL OR trace_id ~ '^[0-9a-f]{32}$');
