CREATE TABLE tenants (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE
        CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$'),
    display_name text NOT NULL
        CONSTRAINT tenants_display_name_length CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    status text NOT NULL DEFAULT 'active'
        CONSTRAINT tenants_status_valid CHECK (status IN ('active', 'suspended', 'deleted')),
    max_concurrent_runs integer NOT NULL DEFAULT 4 CHECK (max_concurrent_runs > 0),
    max_runs_per_hour integer NOT NULL DEFAULT 600 CHECK (max_runs_per_hour > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;

-- A tenant sees its own row; operators (platform scope) manage all of them.
CREATE POLICY tenants_own ON tenants FOR SELECT USING (id = switchyard_current_tenant());
CREATE POLICY tenants_platform ON tenants USING (switchyard_platform_scope()) WITH CHECK (switchyard_platform_scope());

GRANT SELECT, INSERT, UPDATE ON tenants TO switchyard_app;
