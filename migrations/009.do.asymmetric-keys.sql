-- Asymmetric signing keys (issue 21): Standard Webhooks v1a, ed25519, chosen per API key.
--
-- Storage decision. A key pair is one row of webhook_signing_keys for its whole life, current or
-- retained, rather than a slot on api_keys plus a copy in retained_webhook_secrets:
--   * the private key (`whsk_` + base64 of the 32-byte seed) is encrypted with the secret box under
--     associated data of its own row (webhook_signing_keys/<api key id>/<key version>/private_key),
--     so it is never re-encrypted when it stops being current, and a ciphertext copied to another
--     row or into a secret slot fails to decrypt;
--   * the public key (`whpk_` + base64 of the 32 raw bytes) and its kid (the RFC 7638 JWK
--     thumbprint) are stored in clear: they are published;
--   * retained_until is null while the key is current; when a rotation replaces it, it gets its own
--     window (PREVIOUS_SECRET_RETENTION_SECONDS) and keeps signing until the window ends or an
--     operator expires it, exactly like a retained secret. A public key is always "confirmed": it
--     is not a secret, so nothing about held, fetched or acknowledged applies;
--   * once a key stops signing its private key is erased (ended_at, ended_reason); the row, with its
--     public key and window, stays as the record.
-- The symmetric secret stays where it is (api_keys.webhook_secret + retained_webhook_secrets): every
-- key keeps one, so switching back to `symmetric` needs no new secret.
alter table api_keys add column signing_scheme text not null default 'symmetric'
  check (signing_scheme in ('symmetric', 'asymmetric', 'both'));
-- The opaque token of the key's JWKS URL; made when the key first gets a key pair. It names
-- neither the API key nor its id.
alter table api_keys add column jwks_token text unique;

create table webhook_signing_keys (
  api_key_id uuid not null references api_keys (id),
  -- 1, 2, ... per API key; how operators and the JWKS (besides the kid) name a key.
  key_version integer not null,
  kid text not null unique,
  public_key text not null,
  -- Encrypted; null once it stopped signing.
  private_key text,
  -- The rotation that generated it; null for the first key pair (made by a switch of scheme).
  rotation_id uuid references webhook_secret_rotations (id),
  created_at timestamptz not null default now(),
  retained_since timestamptz,
  retained_until timestamptz,
  ended_at timestamptz,
  ended_reason text check (ended_reason in ('window_passed', 'expired_by_operator', 'bound', 'key_revoked')),
  primary key (api_key_id, key_version),
  check ((private_key is null) = (ended_at is not null)),
  check ((retained_since is null) = (retained_until is null))
);

-- At most one current key pair per API key.
create unique index webhook_signing_keys_current on webhook_signing_keys (api_key_id)
  where retained_until is null and ended_at is null;
create index webhook_signing_keys_by_rotation on webhook_signing_keys (rotation_id) where rotation_id is not null;
