CREATE TABLE users (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    email text NOT NULL
        CONSTRAINT users_email_format CHECK (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    role text NOT NULL
        CONSTRAINT users_role_valid CHECK (role IN ('owner', 'developer', 'viewer', 'auditor')),
    -- Self-describing: $scrypt$ln=17,r=8,p=1$<salt>$<hash> (base64), so parameters can change later.
    password_hash text NOT NULL CONSTRAINT users_password_hash_format CHECK (password_hash LIKE '$scrypt$%'),
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

-- Email addresses are unique per tenant, ignoring case.
CREATE UNIQUE INDEX users_tenant_email ON users (tenant_id, lower(email));

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_tenant ON users
    USING (tenant_id = switchyard_current_tenant())
    WITH CHECK (tenant_id = switchyard_current_tenant());

GRANT SELECT, INSERT, UPDATE ON users TO switchyard_app;

CREATE TABLE api_tokens (
    tenant_id uuid NOT NULL,
    token_id text NOT NULL UNIQUE CONSTRAINT api_tokens_token_id_format CHECK (token_id ~ '^tok_[0-9A-Za-z]{16}$'),
    user_id uuid NOT NULL,
    -- Only the SHA-256 of the secret is stored; the token itself is shown once when issued.
    secret_sha256 bytea NOT NULL UNIQUE CONSTRAINT api_tokens_hash_length CHECK (length(secret_sha256) = 32),
    scopes text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz,
    PRIMARY KEY (tenant_id, token_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY api_tokens_tenant ON api_tokens
    USING (tenant_id = switchyard_current_tenant())
    WITH CHECK (tenant_id = switchyard_current_tenant());

GRANT SELECT, INSERT, UPDATE ON api_tokens TO switchyard_app;

-- Authentication has no tenant context yet: these two narrow lookups run as the owner and reveal only what the
-- caller already proves to know (the secret's hash, or a token id).
CREATE FUNCTION switchyard_authenticate_token(p_secret_sha256 bytea)
    RETURNS TABLE (
        token_id text, tenant_id uuid, tenant_slug text, tenant_status text, user_id uuid, email text, role text,
        user_disabled_at timestamptz, expires_at timestamptz, revoked_at timestamptz, scopes text[]
    )
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT t.token_id, t.tenant_id, te.slug, te.status, u.id, u.email, u.role,
               u.disabled_at, t.expires_at, t.revoked_at, t.scopes
        FROM api_tokens t
        JOIN tenants te ON te.id = t.tenant_id
        JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id
        WHERE t.secret_sha256 = p_secret_sha256
    $$;

CREATE FUNCTION switchyard_token_tenant(p_token_id text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT tenant_id FROM api_tokens WHERE token_id = p_token_id $$;

REVOKE ALL ON FUNCTION switchyard_authenticate_token(bytea), switchyard_token_tenant(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION switchyard_authenticate_token(bytea), switchyard_token_tenant(text) TO switchyard_app;
