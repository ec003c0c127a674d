-- Browser sessions of the operator console: the cookie holds a random id, this table its HMAC, so
-- a session is revocable and expires server-side. A session is only as live as its operator
-- token: revoking the token ends every session it opened (checked on each request).
create table operator_sessions (
  id uuid primary key default gen_random_uuid(),
  session_hash bytea not null unique,
  operator_token_id uuid not null references operator_tokens (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ended_at timestamptz
);

create index operator_sessions_by_token on operator_sessions (operator_token_id);
