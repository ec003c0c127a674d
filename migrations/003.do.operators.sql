-- Operator tokens for /v1/admin/*: stored as an HMAC under the server pepper, each tied to an
-- operator name that the audit trail records.
create table operator_tokens (
  id uuid primary key default gen_random_uuid(),
  name text not null check (name ~ '^[A-Za-z0-9_.@-]{1,64}$'),
  token_prefix text not null,
  token_hash bytea not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

-- One live token per operator name; revoked ones stay for the record.
create unique index operator_tokens_live_name on operator_tokens (name) where revoked_at is null;
