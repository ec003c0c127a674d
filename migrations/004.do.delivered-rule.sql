-- The delivered rule: a customer rotation never moves a secret nobody received into the rollback
-- slot. For that the rule must know which rotation produced the key's current secret (null: the
-- secret issued with the key, or one a rollback restored from previous; both were delivered).
alter table api_keys add column current_secret_rotation_id uuid;

-- Existing keys: the last rotation produced the current secret unless a rollback replaced it since.
update api_keys k set current_secret_rotation_id = k.last_rotation_id
where k.last_rotation_id is not null
  and not exists (
    select 1 from webhook_secret_rotations r
    where r.api_key_id = k.id and r.kind = 'operator_rollback' and r.status = 'succeeded'
      and r.rotated_at >= k.secret_rotated_at);

-- An acknowledged secret counts as delivered.
update webhook_secret_rotations set secret_first_delivered_at = secret_erased_at
where secret_erased_reason = 'acknowledged' and secret_first_delivered_at is null;

-- A new erasure reason: the next customer rotation discarded a secret that was never delivered.
alter table webhook_secret_rotations drop constraint webhook_secret_rotations_secret_erased_reason_check;
alter table webhook_secret_rotations add constraint webhook_secret_rotations_secret_erased_reason_check
  check (secret_erased_reason in ('acknowledged', 'redelivery_grace_elapsed', 'hold_expired', 'superseded_undelivered'));
