-- A connector package version installed for one tenant under a name, with that tenant's config. Secret fields are
-- not in `config`: they are sealed with AES-256-GCM under a per-installation data key, which is wrapped by the
-- platform master key; tenant and installation ids are the associated data of both layers.
CREATE TABLE installations (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL CONSTRAINT installations_name_format CHECK (name ~ '^[a-z][a-z0-9-]{0,62}[a-z0-9]$'),
    package_name text NOT NULL,
    package_version text NOT NULL,
    previous_version text,
    config jsonb NOT NULL,
    secret_pointers text[] NOT NULL DEFAULT '{}',
    secrets_key_id text,
    secrets_wrapped_key bytea,
    secrets_ciphertext bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (package_name, package_version) REFERENCES connector_packages (name, version),
    FOREIGN KEY (package_name, previous_version) REFERENCES connector_packages (name, version),
    CONSTRAINT installations_secrets_complete CHECK (
        (secrets_ciphertext IS NULL) = (secrets_wrapped_key IS NULL)
        AND (secrets_ciphertext IS NULL) = (secrets_key_id IS NULL))
);

ALTER TABLE installations ENABLE ROW LEVEL SECURITY;
ALTER TABLE installations FORCE ROW LEVEL SECURITY;
CREATE POLICY installations_tenant ON installations
    USING (tenant_id = switchyard_current_tenant())
    WITH CHECK (tenant_id = switchyard_current_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON installations TO switchyard_app;

-- Key rotation re-wraps every installation's data key, across tenants; this is the one operator path that may.
CREATE FUNCTION switchyard_installation_keys() RETURNS TABLE (tenant_id uuid, id uuid, key_id text, wrapped_key bytea)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT tenant_id, id, secrets_key_id, secrets_wrapped_key FROM installations WHERE secrets_key_id IS NOT NULL
    $$;

REVOKE ALL ON FUNCTION switchyard_installation_keys() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION switchyard_installation_keys() TO switchyard_app;
