-- API keys own one webhook URL and one signing secret (current + one rollback slot).
create table api_keys (
  id uuid primary key default gen_random_uuid(),
  owner_id text not null,
  env text not null check (env in ('live', 'test')),
  key_prefix text not null,
  key_hash bytea not null unique,
  scopes text[] not null default '{}',
  ip_allowlist cidr[] not null default '{}',
  webhook_url text,
  webhook_secret text,
  webhook_secret_previous text,
  previous_retained_until timestamptz,
  secret_rotated_at timestamptz,
  last_rotation_id uuid,
  secret_version integer not null default 0,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  check ((webhook_url is null) = (webhook_secret is null)),
  check ((webhook_secret_previous is null) = (previous_retained_until is null))
);

create table webhook_secret_rotations (
  id uuid primary key,
  api_key_id uuid not null references api_keys (id),
  kind text not null check (kind in ('customer', 'operator_recover', 'operator_rollback', 'operator_expire_previous')),
  idempotency_key text,
  request_fingerprint text not null,
  status text not null check (status in ('queued', 'processing', 'succeeded', 'rejected', 'failed')),
  error_code text,
  error_detail text,
  retry_after_at timestamptz,
  cooldown_rotation_id uuid,
  rotated_at timestamptz,
  previous_retained_until timestamptz,
  secret_version integer,
  held_secret text,
  secret_first_delivered_at timestamptz,
  secret_available_until timestamptz,
  secret_erased_at timestamptz,
  secret_erased_reason text check (secret_erased_reason in ('acknowledged', 'redelivery_grace_elapsed', 'hold_expired')),
  actor text not null,
  reason text,
  request_id text,
  source_ip inet,
  attempts integer not null default 0,
  requested_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz,
  updated_at timestamptz not null default now(),
  check (held_secret is null or status = 'succeeded'),
  check ((held_secret is null) = (secret_available_until is null))
);

-- A rotation refused by the cooldown does not hold its idempotency key: the same key works
-- once the cooldown is over. Every other rotation holds its key for good.
create unique index webhook_secret_rotations_idempotency
  on webhook_secret_rotations (api_key_id, idempotency_key)
  where idempotency_key is not null and status <> 'rejected';

create index webhook_secret_rotations_by_key on webhook_secret_rotations (api_key_id, requested_at desc, id desc);
create index webhook_secret_rotations_unfinished on webhook_secret_rotations (updated_at) where status in ('queued', 'processing');
create index webhook_secret_rotations_held on webhook_secret_rotations (secret_available_until) where held_secret is not null;

-- Append-only record of every state change.
create table audit_events (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_type text not null check (actor_type in ('customer', 'operator', 'system')),
  actor text not null,
  action text not null,
  api_key_id uuid references api_keys (id),
  rotation_id uuid references webhook_secret_rotations (id),
  request_id text,
  source_ip inet,
  reason text,
  details jsonb not null default '{}'
);

create index audit_events_by_key on audit_events (api_key_id, id desc);

create function audit_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events is append-only';
end $$;

create trigger audit_events_no_update before update or delete on audit_events
  for each row execute function audit_events_append_only();
