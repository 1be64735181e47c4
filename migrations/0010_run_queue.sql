-- The run queue: claims are fair across tenants and respect the tenant quotas (max concurrent runs, max runs per
-- hour) and each route's own max_concurrent_runs, across any number of workers.
ALTER TABLE runs ADD COLUMN heartbeat_at timestamptz;

-- Claims are serialised by a transaction-scoped advisory lock: the limits are counted and the runs taken in one
-- step, so two workers can never both take the last free slot of a tenant. A claim cycle takes milliseconds.
CREATE FUNCTION switchyard_claim_runs(p_worker text, p_limit integer, p_lease interval)
    RETURNS TABLE (tenant_id uuid, id uuid, route_id uuid, attempt integer)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    #variable_conflict use_column
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('switchyard.claim_runs'));
        RETURN QUERY
        WITH tenant_running AS (
            SELECT r.tenant_id, count(*) AS n FROM runs r WHERE r.status = 'running' GROUP BY r.tenant_id
        ), route_running AS (
            SELECT r.route_id, count(*) AS n FROM runs r WHERE r.status = 'running' GROUP BY r.route_id
        ), tenant_hour AS (
            SELECT r.tenant_id, count(*) AS n FROM runs r
            WHERE r.started_at > now() - interval '1 hour' GROUP BY r.tenant_id
        ), ranked AS (
            SELECT q.tenant_id, q.id, q.route_id, q.scheduled_for,
                   row_number() OVER (PARTITION BY q.tenant_id ORDER BY q.scheduled_for, q.id) AS tenant_rank,
                   row_number() OVER (PARTITION BY q.route_id ORDER BY q.scheduled_for, q.id) AS route_rank,
                   t.max_concurrent_runs - coalesce(tr.n, 0) AS tenant_free,
                   t.max_runs_per_hour - coalesce(th.n, 0) AS hour_free,
                   coalesce((ro.definition -> 'limits' ->> 'max_concurrent_runs')::integer, 1) - coalesce(rr.n, 0)
                       AS route_free
            FROM runs q
            JOIN tenants t ON t.id = q.tenant_id AND t.status = 'active'
            JOIN routes ro ON ro.tenant_id = q.tenant_id AND ro.id = q.route_id AND ro.enabled
            LEFT JOIN tenant_running tr ON tr.tenant_id = q.tenant_id
            LEFT JOIN route_running rr ON rr.route_id = q.route_id
            LEFT JOIN tenant_hour th ON th.tenant_id = q.tenant_id
            WHERE q.status = 'queued' AND q.scheduled_for <= now()
        ), chosen AS (
            -- Round robin: every tenant's first eligible run comes before any tenant's second.
            SELECT c.tenant_id, c.id FROM ranked c
            WHERE c.tenant_rank <= least(c.tenant_free, c.hour_free) AND c.route_rank <= c.route_free
            ORDER BY c.tenant_rank, c.scheduled_for, c.id
            LIMIT p_limit
        ), locked AS (
            SELECT r.tenant_id, r.id FROM runs r JOIN chosen USING (tenant_id, id) FOR UPDATE OF r SKIP LOCKED
        )
        UPDATE runs r SET status = 'running', lease_owner = p_worker, lease_expires_at = now() + p_lease,
            heartbeat_at = now(), started_at = now()
        FROM locked
        WHERE r.tenant_id = locked.tenant_id AND r.id = locked.id
        RETURNING r.tenant_id, r.id, r.route_id, r.attempt;
    END
    $$;

-- A worker proves it is alive; a run whose lease lapsed is taken back by rescue.
CREATE FUNCTION switchyard_heartbeat_runs(p_worker text, p_lease interval) RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        WITH renewed AS (
            UPDATE runs SET lease_expires_at = now() + p_lease, heartbeat_at = now()
            WHERE status = 'running' AND lease_owner = p_worker RETURNING 1
        )
        SELECT count(*)::integer FROM renewed
    $$;

-- Runs whose worker vanished (lease expired) go back to the queue for another attempt, or are dead-lettered once the
-- route's retry policy is spent.
CREATE FUNCTION switchyard_rescue_runs() RETURNS TABLE (tenant_id uuid, id uuid, status text)
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        UPDATE runs r SET
            status = CASE WHEN r.attempt >= coalesce((ro.definition -> 'retry' ->> 'max_attempts')::integer, 3)
                          THEN 'dead' ELSE 'queued' END,
            attempt = CASE WHEN r.attempt >= coalesce((ro.definition -> 'retry' ->> 'max_attempts')::integer, 3)
                           THEN r.attempt ELSE r.attempt + 1 END,
            error = 'lease of worker ' || coalesce(r.lease_owner, '?') || ' expired',
            lease_owner = NULL, lease_expires_at = NULL,
            finished_at = CASE WHEN r.attempt >= coalesce((ro.definition -> 'retry' ->> 'max_attempts')::integer, 3)
                               THEN now() END
        FROM routes ro
        WHERE r.status = 'running' AND r.lease_expires_at < now() AND ro.tenant_id = r.tenant_id AND ro.id = r.route_id
        RETURNING r.tenant_id, r.id, r.status
    $$;

REVOKE ALL ON FUNCTION switchyard_claim_runs(text, integer, interval), switchyard_heartbeat_runs(text, interval),
    switchyard_rescue_runs() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION switchyard_claim_runs(text, integer, interval), switchyard_heartbeat_runs(text, interval),
    switchyard_rescue_runs() TO switchyard_app;

-- Workers sleep on this channel instead of polling hard.
CREATE FUNCTION runs_notify_queued() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        PERFORM pg_notify('switchyard_runs', NEW.tenant_id::text);
        RETURN NEW;
    END
    $$;

CREATE TRIGGER runs_notify_queued AFTER INSERT OR UPDATE OF status ON runs
    FOR EACH ROW WHEN (NEW.status = 'queued') EXECUTE FUNCTION runs_notify_queued();

-- The scheduler's view across tenants: enabled scheduled routes of active tenants.
CREATE FUNCTION switchyard_scheduled_routes() RETURNS TABLE (tenant_id uuid, route_name text, cron text, timezone text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT r.tenant_id, r.name, r.cron, r.timezone FROM routes r JOIN tenants t ON t.id = r.tenant_id
        WHERE r.enabled AND r.trigger_kind = 'schedule' AND t.status = 'active'
    $$;

REVOKE ALL ON FUNCTION switchyard_scheduled_routes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION switchyard_scheduled_routes() TO switchyard_app;
