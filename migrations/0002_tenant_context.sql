-- The tenant context is set per transaction with set_config('switchyard.tenant_id', id, true). Platform-wide work
-- done by operators (creating tenants, reading the admin audit) sets set_config('switchyard.scope', 'platform', true)
-- instead; tables of tenant data never honour that scope.

CREATE FUNCTION switchyard_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('switchyard.tenant_id', true), '')::uuid $$;

CREATE FUNCTION switchyard_platform_scope() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('switchyard.scope', true), '') = 'platform' $$;

GRANT EXECUTE ON FUNCTION switchyard_current_tenant(), switchyard_platform_scope()
    TO switchyard_app, switchyard_auditor;
