-- Webhook events and their delivery records: an outbox, written in the transaction of the change it
-- announces, so an event is never lost between a commit and a queue.
create table webhook_events (
  id uuid primary key,
  api_key_id uuid not null references api_keys (id),
  type text not null check (type in ('webhook_secret.rotated', 'webhook_secret.rolled_back', 'webhook.test')),
  -- The exact bytes every attempt sends; never a secret.
  body text not null,
  sign_with text not null default 'both' check (sign_with in ('both', 'current', 'previous')),
  rotation_id uuid references webhook_secret_rotations (id),
  status text not null check (status in ('none', 'pending', 'retrying', 'delivered', 'failed')),
  -- The BullMQ job carrying the current delivery: the event id, then <id>-r<n> for redeliveries
  -- (BullMQ refuses ':' in custom job ids).
  job_id text not null,
  attempts integer not null default 0,
  redeliveries integer not null default 0,
  last_status_code integer,
  last_error text,
  created_at timestamptz not null default now(),
  last_attempt_at timestamptz,
  delivered_at timestamptz,
  updated_at timestamptz not null default now()
);

create index webhook_events_by_key on webhook_events (api_key_id, created_at desc, id desc);
create index webhook_events_unfinished on webhook_events (updated_at) where status in ('pending', 'retrying');
