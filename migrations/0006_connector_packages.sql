-- The platform's connector package registry. Packages are published once by operators and shared by every tenant,
-- so this is platform data (no tenant_id). Every worker reads bundles from here: no shared filesystem.
CREATE TABLE connector_packages (
    name text NOT NULL CONSTRAINT connector_packages_name_format CHECK (name ~ '^[a-z][a-z0-9-]{0,62}[a-z0-9]$'),
    version text NOT NULL,
    -- SemVer parts, so versions sort by precedence in SQL; a release sorts after its pre-releases.
    version_major integer NOT NULL,
    version_minor integer NOT NULL,
    version_patch integer NOT NULL,
    version_prerelease text NOT NULL DEFAULT '',
    title text NOT NULL,
    manifest json NOT NULL,  -- json, not jsonb: keeps the author's key order for display
    bundle bytea NOT NULL,
    sha256 text NOT NULL CONSTRAINT connector_packages_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes integer NOT NULL CHECK (size_bytes > 0),
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by text NOT NULL,
    PRIMARY KEY (name, version)
);

CREATE INDEX connector_packages_precedence ON connector_packages
    (name, version_major DESC, version_minor DESC, version_patch DESC, (version_prerelease = '') DESC);

-- Published versions are immutable: a change needs a new version.
CREATE FUNCTION connector_packages_immutable() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        RAISE EXCEPTION 'connector package %@% is immutable: publish a new version instead', OLD.name, OLD.version
            USING ERRCODE = 'insufficient_privilege';
    END
    $$;

CREATE TRIGGER connector_packages_no_change BEFORE UPDATE OR DELETE ON connector_packages
    FOR EACH ROW EXECUTE FUNCTION connector_packages_immutable();

GRANT SELECT, INSERT ON connector_packages TO switchyard_app;
GRANT SELECT ON connector_packages TO switchyard_auditor;
