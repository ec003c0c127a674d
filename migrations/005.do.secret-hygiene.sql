-- Secret hygiene: a previous secret is erased once its window has passed (previous_retained_until
-- stays, so a late rollback still reads "window closed"), and a revoked key's secrets are erased
-- (its webhook URL stays for the record).
alter table api_keys add column secrets_erased_at timestamptz;

alter table api_keys drop constraint api_keys_check;
alter table api_keys add constraint api_keys_webhook_secret_check
  check ((webhook_url is null) = (webhook_secret is null) or secrets_erased_at is not null);

alter table api_keys drop constraint api_keys_check1;
alter table api_keys add constraint api_keys_previous_window_check
  check (webhook_secret_previous is null or previous_retained_until is not null);

alter table webhook_secret_rotations drop constraint webhook_secret_rotations_secret_erased_reason_check;
alter table webhook_secret_rotations add constraint webhook_secret_rotations_secret_erased_reason_check
  check (secret_erased_reason in ('acknowledged', 'redelivery_grace_elapsed', 'hold_expired', 'superseded_undelivered', 'key_revoked'));

create index api_keys_previous_to_erase on api_keys (previous_retained_until) where webhook_secret_previous is not null;
create index api_keys_revoked_to_erase on api_keys (revoked_at) where revoked_at is not null and secrets_erased_at is null;
