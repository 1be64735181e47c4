-- A run that failed as a whole (source unreachable, runtime error) is retried with the route's policy: exponential
-- backoff with jitter, capped at max_delay; once max_attempts are spent it is dead-lettered. Failed records are not a
-- reason to retry: they are data problems, reported per record.
CREATE FUNCTION switchyard_duration(p_text text, p_default interval) RETURNS interval
    LANGUAGE sql IMMUTABLE
    AS $$
        SELECT CASE WHEN p_text ~ '^[0-9.]+[smhd]$'
                    THEN regexp_replace(p_text, '^([0-9.]+)([smhd])$', '\1 \2')::interval
                    ELSE p_default END
    $$;

CREATE FUNCTION switchyard_retry_run(p_tenant uuid, p_run uuid, p_error text)
    RETURNS TABLE (status text, attempt integer, scheduled_for timestamptz)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    #variable_conflict use_column
    DECLARE
        policy jsonb;
        current_attempt integer;
        max_attempts integer;
        delay interval;
    BEGIN
        SELECT ro.definition -> 'retry', r.attempt INTO policy, current_attempt
        FROM runs r LEFT JOIN routes ro ON ro.tenant_id = r.tenant_id AND ro.id = r.route_id
        WHERE r.tenant_id = p_tenant AND r.id = p_run FOR UPDATE OF r;
        max_attempts := coalesce((policy ->> 'max_attempts')::integer, 3);
        delay := least(
            switchyard_duration(policy ->> 'max_delay', interval '1 hour'),
            switchyard_duration(policy ->> 'initial_delay', interval '30 seconds')
                * power(coalesce((policy ->> 'multiplier')::double precision, 2), current_attempt - 1))
            * (1 + coalesce((policy ->> 'jitter')::double precision, 0.2) * (random() * 2 - 1));
        RETURN QUERY
        UPDATE runs r SET
            status = CASE WHEN current_attempt >= max_attempts THEN 'dead' ELSE 'queued' END,
            attempt = CASE WHEN current_attempt >= max_attempts THEN current_attempt ELSE current_attempt + 1 END,
            scheduled_for = CASE WHEN current_attempt >= max_attempts THEN r.scheduled_for ELSE now() + delay END,
            finished_at = CASE WHEN current_attempt >= max_attempts THEN now() END,
            lease_owner = NULL, lease_expires_at = NULL, error = p_error
        WHERE r.tenant_id = p_tenant AND r.id = p_run
        RETURNING r.status, r.attempt, r.scheduled_for;
    END
    $$;

REVOKE ALL ON FUNCTION switchyard_retry_run(uuid, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION switchyard_retry_run(uuid, uuid, text) TO switchyard_app;
