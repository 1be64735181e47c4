-- A tenant's pipeline: source (installation + stream) → steps → destination (installation + action). The checked,
-- normalised definition is kept whole in `definition`; the columns the scheduler filters on are kept beside it.
CREATE TABLE routes (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL CONSTRAINT routes_name_format CHECK (name ~ '^[a-z][a-z0-9-]{0,62}[a-z0-9]$'),
    definition jsonb NOT NULL,
    source_installation_id uuid NOT NULL,
    destination_installation_id uuid NOT NULL,
    trigger_kind text NOT NULL CONSTRAINT routes_trigger_kind CHECK (trigger_kind IN ('schedule', 'webhook', 'manual')),
    cron text,
    timezone text,
    enabled boolean NOT NULL DEFAULT true,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    -- An installation a route uses cannot disappear under it.
    FOREIGN KEY (tenant_id, source_installation_id) REFERENCES installations (tenant_id, id),
    FOREIGN KEY (tenant_id, destination_installation_id) REFERENCES installations (tenant_id, id),
    CONSTRAINT routes_schedule_complete CHECK ((trigger_kind = 'schedule') = (cron IS NOT NULL AND timezone IS NOT NULL))
);

CREATE INDEX routes_due ON routes (tenant_id, trigger_kind) WHERE enabled;

ALTER TABLE routes ENABLE ROW LEVEL SECURITY;
ALTER TABLE routes FORCE ROW LEVEL SECURITY;
CREATE POLICY routes_tenant ON routes
    USING (tenant_id = switchyard_current_tenant())
    WITH CHECK (tenant_id = switchyard_current_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON routes TO switchyard_app;
