-- Schedules belong to a tenant (docs/operations.md, "Tenants and API keys"): only keys of that tenant (and admin keys)
-- see, change, run or delete one; another tenant's schedule answers 404. Schedule ids stay unique across tenants (they
-- name Hangfire jobs and dataset folders), so creating an id another tenant uses answers 409. A tenant's runs submit
-- batches under the tenant's ids (acme..aug-<schedule>-<period>), so their jobs are the tenant's too. Schedules stored
-- before this migration, and those from configuration, belong to the default tenant.
ALTER TABLE augmentation_schedules ADD COLUMN tenant text NOT NULL DEFAULT 'default' CHECK (tenant ~ '^[a-z0-9][a-z0-9-]{0,31}$');
