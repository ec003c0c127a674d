import type { RotationScheduleView } from '../domain/rotation-schedules.js'
import { iso } from './envelope.js'

/** A key's rotation schedule as the customer sees it. */
export function toScheduleResource (view: RotationScheduleView) {
  return { everyDays: view.everyDays, setAt: iso(view.setAt), nextRotationAt: iso(view.dueAt) }
}

/** As an operator sees it: also who set it. */
export function toOperatorScheduleResource (view: RotationScheduleView) {
  return { ...toScheduleResource(view), setBy: view.setBy }
}

/** What a PUT or DELETE of the schedule says it did. */
export function scheduleMessage (changed: boolean, view: RotationScheduleView) {
  if (!changed) return 'Nothing changed: the key already has this schedule.'
  return view.everyDays === null
    ? 'The rotation schedule is removed.'
    : `The key rotates every ${view.everyDays} day${view.everyDays === 1 ? '' : 's'}; next at ${iso(view.dueAt)}.`
}
