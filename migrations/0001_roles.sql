-- Roles. switchyard_owner owns every object and runs migrations (it is never used at runtime);
-- switchyard_app is what the platform uses; switchyard_auditor reads reports. The runtime roles never own a table
-- and never bypass row-level security. Creating roles needs a superuser (or roles created beforehand by one).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'switchyard_owner') THEN
        CREATE ROLE switchyard_owner NOLOGIN BYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'switchyard_app') THEN
        CREATE ROLE switchyard_app NOLOGIN NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'switchyard_auditor') THEN
        CREATE ROLE switchyard_auditor NOLOGIN NOBYPASSRLS;
    END IF;
END
$$;

GRANT USAGE, CREATE ON SCHEMA public TO switchyard_owner;
GRANT USAGE ON SCHEMA public TO switchyard_app, switchyard_auditor;
