-- Every secret the customer may hold keeps signing until its own window ends (issue 16). A written
-- response is not a received one, so another rotation no longer pushes a secret out: each secret
-- that stops being current, and that the customer may hold, becomes a row here with its own window.
-- The newest of them is what the upstream API calls "previous" (previousRetainedUntil).
create table retained_webhook_secrets (
  api_key_id uuid not null references api_keys (id),
  -- The key's secret_version while this secret was current: how operators name it.
  secret_version integer not null,
  -- Encrypted (associated data: the key's previous-secret slot); null once it stopped signing.
  secret text,
  -- The rotation whose new secret this was; null for the secret issued with the key or restored by a rollback.
  rotation_id uuid references webhook_secret_rotations (id),
  -- Confirmed when it stopped being current (issued with the key, restored, acknowledged); an
  -- acknowledgement that comes later is read from the rotation (secret_confirmed_at).
  confirmed_at timestamptz,
  retained_since timestamptz not null default now(),
  retained_until timestamptz not null,
  ended_at timestamptz,
  ended_reason text check (ended_reason in ('window_passed', 'expired_by_operator', 'restored', 'bound', 'key_revoked')),
  primary key (api_key_id, secret_version),
  check ((secret is null) = (ended_at is not null))
);

create index retained_webhook_secrets_to_erase on retained_webhook_secrets (retained_until) where secret is not null;

-- When the requester confirmed it holds the secret (acknowledge); kept after the held copy is gone.
alter table webhook_secret_rotations add column secret_confirmed_at timestamptz;
update webhook_secret_rotations set secret_confirmed_at = secret_erased_at where secret_erased_reason = 'acknowledged';

-- An operator rollback or expire-previous may name one retained secret by its version.
alter table webhook_secret_rotations add column target_secret_version integer;

-- The previous slot becomes the first retained secret. Under the old rule only a delivered secret
-- ever reached it, so it counts as confirmed.
insert into retained_webhook_secrets (api_key_id, secret_version, secret, confirmed_at, retained_since, retained_until, ended_at, ended_reason)
select id, greatest(secret_version - 1, 0), webhook_secret_previous, now(), coalesce(secret_rotated_at, now()), previous_retained_until,
       case when webhook_secret_previous is null then now() end, case when webhook_secret_previous is null then 'window_passed' end
from api_keys where previous_retained_until is not null;

alter table api_keys drop column webhook_secret_previous;
alter table api_keys drop column previous_retained_until;
