/**
 * A watch's schedule as data, checked and computed: a cron expression read in a time zone
 * (croner: 5 fields, or 6 with seconds first), or "every N hours" counted from an anchor time.
 * Pure and environment-free (croner and cronstrue need no Node), so the coordinator, the
 * contract's validation, the CLI and the renderer all compute and describe it the same way.
 */
import { Cron } from 'croner'
import cronstrue from 'cronstrue'

export type WatchSchedule = { kind: 'cron'; cron: string; timeZone: string } | { kind: 'every'; hours: number }

export const SCHEDULE_EXAMPLE =
  'For example { "kind": "cron", "cron": "0 7 * * *", "timeZone": "Europe/Berlin" } (every day at 07:00 Berlin time) or { "kind": "every", "hours": 6 }.'

const HOUR_MS = 3_600_000

/** Why a time zone is not one, or null when the runtime knows it (IANA names: "Europe/Berlin", "UTC"). */
export function timeZoneProblem(timeZone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return null
  } catch {
    return `"${timeZone}" is not a time zone (use an IANA name such as Europe/Berlin or UTC)`
  }
}

/** Why a cron expression does not parse, or null when it does. */
export function cronProblem(cron: string): string | null {
  const fields = cron.trim().split(/\s+/)
  if (fields.length !== 5 && fields.length !== 6)
    return `"${cron}" has ${fields.length} field${fields.length === 1 ? '' : 's'}; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first)`
  try {
    new Cron(cron, { paused: true })
    return null
  } catch (err) {
    return `"${cron}": ${(err instanceof Error ? err.message : String(err)).replace(/^CronPattern: /, '')}`
  }
}

/** The first problem of a schedule, or null when it is good. */
export function scheduleProblem(schedule: WatchSchedule): string | null {
  if (schedule.kind === 'every')
    return Number.isInteger(schedule.hours) && schedule.hours >= 1 ? null : 'every N hours takes a whole N ≥ 1'
  return cronProblem(schedule.cron) ?? timeZoneProblem(schedule.timeZone)
}

/**
 * The first run strictly after `after`. An "every N hours" schedule runs at anchor + k·N h, so
 * its times do not drift by how late a run was seen; a cron schedule's are its own.
 */
export function nextRunAfter(schedule: WatchSchedule, after: Date, anchor: Date): Date {
  if (schedule.kind === 'every') {
    const period = schedule.hours * HOUR_MS
    const elapsed = after.getTime() - anchor.getTime()
    const k = elapsed < 0 ? 0 : Math.floor(elapsed / period) + 1
    return new Date(anchor.getTime() + k * period)
  }
  const next = new Cron(schedule.cron, { paused: true, timezone: schedule.timeZone }).nextRun(after)
  // A pattern that never fires again (Feb 30th) has no next run: treat it as far away.
  return next ?? new Date(8.64e15)
}

/** "At 07:00 (Europe/Berlin)", "Every 5 seconds (UTC)", "Every 6 hours". */
export function describeSchedule(schedule: WatchSchedule): string {
  if (schedule.kind === 'every') return schedule.hours === 1 ? 'Every hour' : `Every ${schedule.hours} hours`
  let words: string
  try {
    words = cronstrue.toString(schedule.cron, { use24HourTimeFormat: true })
    // cronstrue leaves a daily time as "At 07:00"; say it is daily, as a person would.
    if (/^At \d\d:\d\d$/.test(words) && schedule.cron.trim().endsWith('* * *')) words += ', every day'
  } catch {
    words = schedule.cron
  }
  return `${words} (${schedule.timeZone})`
}
