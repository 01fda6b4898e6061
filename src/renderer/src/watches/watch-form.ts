/**
 * The watch form's values and the request they make: the schedule is checked here as the
 * coordinator will check it (shared/watch-schedule.ts), so a bad cron expression or time zone
 * is named beside its field, with its words shown while it is typed.
 */
import type { WatchEdit, WatchSpecInput, Watch } from '../../../shared/watch'
import { describeSchedule, scheduleProblem } from '../../../shared/watch-schedule'
import type { WatchSchedule } from '../../../shared/watch-schedule'

export interface WatchFormValues {
  name: string
  sources: string[]
  kind: 'cron' | 'every'
  cron: string
  timeZone: string
  hours: string
  refresh: boolean
}

export type WatchFormField = 'sources' | 'schedule'

export function emptyWatchForm(timeZone: string): WatchFormValues {
  return { name: '', sources: ['jobboard'], kind: 'cron', cron: '0 7 * * *', timeZone, hours: '6', refresh: false }
}

export function formOfWatch(watch: Watch): WatchFormValues {
  const s = watch.schedule
  return {
    name: watch.name,
    sources: watch.sources,
    kind: s.kind,
    cron: s.kind === 'cron' ? s.cron : '0 7 * * *',
    timeZone: s.kind === 'cron' ? s.timeZone : 'UTC',
    hours: s.kind === 'every' ? String(s.hours) : '6',
    refresh: watch.crawl.refresh
  }
}

/** The schedule the values describe, or why they describe none. */
function scheduleOf(values: WatchFormValues): { ok: true; schedule: WatchSchedule } | { ok: false; problem: string } {
  let schedule: WatchSchedule
  if (values.kind === 'every') {
    if (!/^\d{1,5}$/.test(values.hours.trim())) return { ok: false, problem: 'Every N hours: N is a whole number ≥ 1' }
    schedule = { kind: 'every', hours: Number(values.hours.trim()) }
  } else schedule = { kind: 'cron', cron: values.cron.trim(), timeZone: values.timeZone.trim() || 'UTC' }
  const problem = scheduleProblem(schedule)
  return problem === null ? { ok: true, schedule } : { ok: false, problem }
}

/** What the schedule field says under itself: the schedule in words, or its problem. */
export function scheduleWords(values: WatchFormValues): string {
  const built = scheduleOf(values)
  return built.ok ? describeSchedule(built.schedule) : built.problem
}

type Built<T> = { ok: true; request: T } | { ok: false; problems: Partial<Record<WatchFormField, string>> }

export function watchSpecOf(values: WatchFormValues): Built<WatchSpecInput> {
  const problems: Partial<Record<WatchFormField, string>> = {}
  if (values.sources.length === 0) problems.sources = 'Pick at least one source'
  const schedule = scheduleOf(values)
  if (!schedule.ok) problems.schedule = schedule.problem
  if (!schedule.ok || problems.sources !== undefined) return { ok: false, problems }
  return {
    ok: true,
    request: {
      ...(values.name.trim() === '' ? {} : { name: values.name.trim() }),
      sources: values.sources,
      schedule: schedule.schedule,
      crawl: { refresh: values.refresh, maxAttempts: 3 }
    }
  }
}

export function watchEditOf(values: WatchFormValues): Built<WatchEdit> {
  const spec = watchSpecOf(values)
  if (!spec.ok) return spec
  const { name, sources, schedule } = spec.request
  return {
    ok: true,
    request: { ...(name === undefined ? {} : { name }), sources, schedule, crawl: { refresh: values.refresh } }
  }
}
