-- One append-only row per change made through admin-cli. Rows form a hash chain:
-- row_hash = SHA-256(prev_hash || canonical row), so editing or removing a row breaks every later link.
CREATE TABLE admin_audit (
    seq bigint PRIMARY KEY,
    id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
    action text NOT NULL,
    target text NOT NULL,
    tenant_id uuid REFERENCES tenants (id),
    before jsonb,
    after jsonb,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL
);

CREATE INDEX admin_audit_tenant ON admin_audit (tenant_id, seq);

-- The canonical text of a row: a JSON array with a fixed order and jsonb's normalised form.
CREATE FUNCTION admin_audit_canonical(r admin_audit) RETURNS text
    LANGUAGE sql STABLE
    AS $$
        SELECT jsonb_build_array(
            r.seq, r.id, to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            r.actor, r.action, r.target, r.tenant_id, r.before, r.after
        )::text
    $$;

-- Assigns the sequence number and links the row under a lock held until commit, so concurrent changes chain in
-- commit order without gaps.
CREATE FUNCTION admin_audit_chain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    DECLARE
        last admin_audit%ROWTYPE;
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('switchyard.admin_audit'));
        SELECT * INTO last FROM admin_audit ORDER BY seq DESC LIMIT 1;
        NEW.seq := coalesce(last.seq, 0) + 1;
        NEW.prev_hash := coalesce(last.row_hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
        NEW.row_hash := sha256(NEW.prev_hash || convert_to(admin_audit_canonical(NEW), 'UTF8'));
        RETURN NEW;
    END
    $$;

CREATE FUNCTION admin_audit_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
    BEGIN
        RAISE EXCEPTION 'admin_audit is append-only: % is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$;

CREATE TRIGGER admin_audit_chain BEFORE INSERT ON admin_audit FOR EACH ROW EXECUTE FUNCTION admin_audit_chain();
CREATE TRIGGER admin_audit_no_update BEFORE UPDATE OR DELETE ON admin_audit
    FOR EACH ROW EXECUTE FUNCTION admin_audit_append_only();
CREATE TRIGGER admin_audit_no_truncate BEFORE TRUNCATE ON admin_audit
    FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_append_only();

ALTER TABLE admin_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE admin_audit FORCE ROW LEVEL SECURITY;
CREATE POLICY admin_audit_platform ON admin_audit USING (switchyard_platform_scope())
    WITH CHECK (switchyard_platform_scope());
CREATE POLICY admin_audit_tenant ON admin_audit
    USING (tenant_id = switchyard_current_tenant())
    WITH CHECK (tenant_id = switchyard_current_tenant());

GRANT SELECT, INSERT ON admin_audit TO switchyard_app;
GRANT SELECT ON admin_audit TO switchyard_auditor;
GRANT EXECUTE ON FUNCTION admin_audit_canonical(admin_audit) TO switchyard_app, switchyard_auditor;
