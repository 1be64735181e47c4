-- One execution of a route. Runs are tenant data; the route may be deleted later, the run stays (route_name keeps
-- what it was). Manual runs started with `admin-cli route run` execute in-process today; the scheduler and workers
-- will claim queued runs from this same table.
CREATE TABLE runs (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    route_id uuid,
    route_name text NOT NULL,
    route_version integer NOT NULL,
    trigger text NOT NULL CONSTRAINT runs_trigger_valid CHECK (trigger IN ('schedule', 'webhook', 'manual', 'retry')),
    scheduled_for timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'queued'
        CONSTRAINT runs_status_valid CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
    attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    lease_owner text,
    lease_expires_at timestamptz,
    started_at timestamptz,
    finished_at timestamptz,
    records_read integer NOT NULL DEFAULT 0,
    records_written integer NOT NULL DEFAULT 0,
    records_filtered integer NOT NULL DEFAULT 0,
    records_failed integer NOT NULL DEFAULT 0,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    -- Any number of schedulers may enqueue: one run per route and instant.
    UNIQUE (tenant_id, route_id, scheduled_for),
    FOREIGN KEY (tenant_id, route_id) REFERENCES routes (tenant_id, id) ON DELETE SET NULL (route_id)
);

CREATE INDEX runs_tenant_created ON runs (tenant_id, created_at DESC);
CREATE INDEX runs_queued ON runs (scheduled_for) WHERE status = 'queued';

ALTER TABLE runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE runs FORCE ROW LEVEL SECURITY;
CREATE POLICY runs_tenant ON runs
    USING (tenant_id = switchyard_current_tenant())
    WITH CHECK (tenant_id = switchyard_current_tenant());

GRANT SELECT, INSERT, UPDATE ON runs TO switchyard_app;
GRANT SELECT ON runs TO switchyard_auditor;
