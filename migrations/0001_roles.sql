-- Roles. switchyard_owner owns every object and runs migrations (it is never used at runtime);
-- switchyard_app is what the platform uses; switchyard_auditor reads reports. The runtime roles never own a table
-- and never bypass row-level security. Creating roles needs a superuser (or roles created beforehand by one).
-- Roles are cluster-wide while migration locks are per database: two databases migrated at once may both try to
-- create a role, so losing that race is not an error.
DO $$
DECLARE
    spec text[];
BEGIN
    FOREACH spec SLICE 1 IN ARRAY ARRAY[
        ['switchyard_owner', 'NOLOGIN BYPASSRLS'],
        ['switchyard_app', 'NOLOGIN NOBYPASSRLS'],
        ['switchyard_auditor', 'NOLOGIN NOBYPASSRLS']
    ] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = spec[1]) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I %s', spec[1], spec[2]);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;

GRANT USAGE, CREATE ON SCHEMA public TO switchyard_owner;
GRANT USAGE ON SCHEMA public TO switchyard_app, switchyard_auditor;
