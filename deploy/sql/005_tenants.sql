-- Tenants (docs/operations.md, "Tenants and API keys"). Applied like every file here (one transaction, advisory lock,
-- search_path set to the configured schema). Tenants and their keys live in configuration (SHA-256 digests only), not here.
--
-- A tenant's job and batch ids are stored qualified: tenant acme's job "a" is row "acme..a"; the default tenant's is
-- plain "a" (Pipeline.Contracts.TenantIds). The tenant column is derived from the id, so every writer (the Api, the
-- worker's batch fan-out, a producer on the broker) gets it right without knowing about it, and rows written before
-- this migration belong to the default tenant.
ALTER TABLE jobs ADD COLUMN tenant text NOT NULL
    GENERATED ALWAYS AS (CASE WHEN strpos(id, '..') > 1 THEN split_part(id, '..', 1) ELSE 'default' END) STORED;
ALTER TABLE batches ADD COLUMN tenant text NOT NULL
    GENERATED ALWAYS AS (CASE WHEN strpos(id, '..') > 1 THEN split_part(id, '..', 1) ELSE 'default' END) STORED;

-- The in-flight quota: a tenant's queued and running jobs, counted on every submission.
CREATE INDEX jobs_tenant_in_flight ON jobs (tenant) WHERE status IN ('queued', 'running');

-- Uploaded inputs are content-addressed and stored once, but a tenant may only use (reference in a job) the inputs
-- it uploaded itself: one row per (tenant, key) upload. Inputs uploaded before this migration have no row; uploading
-- the same bytes again records them (same key) for the uploader's tenant.
CREATE TABLE tenant_inputs (
    tenant      text        NOT NULL CHECK (tenant ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
    input_key   text        NOT NULL CHECK (input_key ~ '^sha256:[0-9a-f]{64}$'),
    uploaded_at timestamptz NOT NULL,
    PRIMARY KEY (tenant, input_key)
);
