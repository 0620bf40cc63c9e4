-- keybound credential registry: one row per registered device key.
-- The kid (RFC 7638 thumbprint of the public key) is the primary key, so
-- a kid is registered once; a revoked key keeps its row (revoked_at set)
-- and can only come back through the operator's explicit replace.
CREATE TABLE keybound_keys (
    kid                 text PRIMARY KEY,
    user_id             text,
    public_key          text NOT NULL,  -- the JWK, JSON
    security_level      text NOT NULL
        CHECK (security_level IN ('TRUSTED_ENVIRONMENT', 'STRONG_BOX', 'UNATTESTED')),
    -- Attestation summary (empty / NULL for unattested keys).
    packages            text[] NOT NULL DEFAULT '{}',
    signing_cert_sha256 text[] NOT NULL DEFAULT '{}',
    os_patch_level      integer,
    verified_boot_state text,
    created_at          timestamptz NOT NULL,
    last_used_at        timestamptz,
    revoked_at          timestamptz
);

CREATE INDEX keybound_keys_user_id ON keybound_keys (user_id, created_at);
