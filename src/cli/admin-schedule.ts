import { SCHEDULE_MAX_DAYS, SCHEDULE_MIN_DAYS, setRotationSchedule } from '../domain/rotation-schedules.js'
import { scheduleMessage, toOperatorScheduleResource } from '../http/schedule-resource.js'
import { invalid, type AdminDeps } from './admin-common.js'
import { parseKeySettingArgs } from './admin-scheme.js'

export interface ScheduleCommand { name: 'schedule'; json: boolean; keyId: string; everyDays: number | null; reason: string; operator: string | null }

/** `keys schedule <keyId> --every-days <n> | --off --reason <text>`. */
export function parseScheduleCommand (rest: string[]): ScheduleCommand | 'help' {
  const parsed = parseKeySettingArgs(rest, { 'every-days': { type: 'string' }, off: { type: 'boolean' } })
  if (parsed === 'help') return 'help'
  const raw = parsed.values['every-days']
  const off = parsed.values.off === true
  if (off === (raw !== undefined)) throw invalid('give either --every-days <n> or --off')
  const everyDays = off ? null : Number(raw)
  if (everyDays !== null && (!/^\d{1,3}$/.test(String(raw)) || everyDays < SCHEDULE_MIN_DAYS || everyDays > SCHEDULE_MAX_DAYS)) {
    throw invalid(`--every-days must be a whole number of days from ${SCHEDULE_MIN_DAYS} to ${SCHEDULE_MAX_DAYS}`)
  }
  return { name: 'schedule', ...parsed.common, everyDays }
}

/** Sets or removes the schedule as PUT /v1/admin/api-keys/{keyId}/webhook-secret/schedule does. */
export async function runScheduleCommand (cmd: ScheduleCommand, deps: AdminDeps, out: (human: string, data: unknown) => void, defaultActor: string) {
  const { changed, view } = await setRotationSchedule(deps.pool, cmd.keyId, cmd.everyDays, {
    actorType: 'operator', actor: cmd.operator ?? defaultActor, requestId: null, sourceIp: null, reason: cmd.reason,
  })
  out(`API key ${cmd.keyId}: ${scheduleMessage(changed, view)}\n`, { changed, rotationSchedule: toOperatorScheduleResource(view) })
  return 0
}
