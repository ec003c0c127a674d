-- Scheduled rotation (issue 21): a per-key policy "rotate every N days", set by the customer or an
-- operator. Postgres holds the policy; one BullMQ job scheduler (not one per key) wakes the worker,
-- which asks Postgres which keys are due. So nothing in Redis needs reconciling per key, a lost
-- Redis only loses the wake-up (re-upserted at worker start), and the policy survives it.
--
-- A key is due once its secret (or key pair) is N days old, counted from the later of the last
-- rotation that started a cooldown (secret_rotated_at, else when the key was made) and when the
-- policy was set: a customer rotation resets the clock, and setting a policy never rotates at once.
--
-- Between 1 and 365 days. A day is far above the 60 s cooldown, so a run can only meet the cooldown
-- of a rotation someone else made moments earlier. Above 7 days (PREVIOUS_SECRET_RETENTION_SECONDS)
-- a symmetric key whose customer never picks up the new secret stops verifying when the old
-- secret's window ends (docs/api.md "Scheduled rotation").
alter table api_keys add column rotation_interval_days integer check (rotation_interval_days between 1 and 365);
alter table api_keys add column rotation_schedule_set_at timestamptz;
-- Who set it: the API key id (the customer) or the operator's name; never a credential.
alter table api_keys add column rotation_schedule_set_by text;
alter table api_keys add constraint api_keys_rotation_schedule_check
  check ((rotation_interval_days is null) = (rotation_schedule_set_at is null));

-- The sweep reads only keys with a policy.
create index api_keys_rotation_scheduled on api_keys (id) where rotation_interval_days is not null;

alter table webhook_secret_rotations drop constraint webhook_secret_rotations_kind_check;
alter table webhook_secret_rotations add constraint webhook_secret_rotations_kind_check
  check (kind in ('customer', 'operator_recover', 'operator_rollback', 'operator_expire_previous', 'scheduled'));
