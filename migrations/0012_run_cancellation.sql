-- Cancelling a run: a queued run ends at once; a running one is flagged, and the worker holding it stops it within
-- seconds (it looks for flags on its runs between claims and while it waits).
ALTER TABLE runs ADD COLUMN cancel_requested_at timestamptz;

CREATE FUNCTION switchyard_cancelled_runs(p_worker text) RETURNS TABLE (tenant_id uuid, id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT r.tenant_id, r.id FROM runs r
        WHERE r.status = 'running' AND r.lease_owner = p_worker AND r.cancel_requested_at IS NOT NULL
    $$;

REVOKE ALL ON FUNCTION switchyard_cancelled_runs(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION switchyard_cancelled_runs(text) TO switchyard_app;
