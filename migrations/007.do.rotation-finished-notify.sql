-- Wakes the API request waiting for a rotation: NOTIFY in the transaction that finishes it, so the
-- notification is delivered only once that transaction has committed (and never if it rolls back).
-- A trigger, not a call in each code path: every way a rotation reaches a final status notifies.
create function webhook_secret_rotations_notify_finished() returns trigger language plpgsql as $$
begin
  perform pg_notify('rotation_finished', new.id::text);
  return null;
end $$;

create trigger webhook_secret_rotations_finished
  after update of status on webhook_secret_rotations
  for each row
  when (new.status in ('succeeded', 'rejected', 'failed') and old.status is distinct from new.status)
  execute function webhook_secret_rotations_notify_finished();
