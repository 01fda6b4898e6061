/**
 * The watch form's values and the request they make: the schedule is checked here as the
 * coordinator will check it (shared/watch-schedule.ts), so a bad cron expression or time zone
 * is named beside its field, with its words shown while it is typed.
 */
import type { WatchEdit, WatchSpecInput, Watch } from '../../../shared/watch'
import { webhookUrlProblem } from '../../../shared/saved-search'
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
  /** Where its health alerts are POSTed; empty for none. */
  webhook: string
}

export type WatchFormField = 'sources' | 'schedule' | 'webhook'

export function emptyWatchForm(timeZone: string): WatchFormValues {
  return {
    name: '',
    sources: ['jobboard'],
    kind: 'cron',
    cron: '0 7 * * *',
    timeZone,
    hours: '6',
    refresh: false,
    webhook: ''
  }
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
    refresh: watch.crawl.refresh,
    webhook: watch.webhook ?? ''
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
  const webhook = values.webhook.trim()
  const webhookProblem = webhook === '' ? null : webhookUrlProblem(webhook)
  if (webhookProblem !== null) problems.webhook = webhookProblem
  if (!schedule.ok || Object.keys(problems).length > 0) return { ok: false, problems }
  return {
    ok: true,
    request: {
      ...(values.name.trim() === '' ? {} : { name: values.name.trim() }),
      sources: values.sources,
      schedule: schedule.schedule,
      crawl: { refresh: values.refresh, maxAttempts: 3 },
      webhook: webhook === '' ? null : webhook
    }
  }
}

export function watchEditOf(values: WatchFormValues): Built<WatchEdit> {
  const spec = watchSpecOf(values)
  if (!spec.ok) return spec
  const { name, sources, schedule, webhook } = spec.request
  return {
    ok: true,
    request: {
      ...(name === undefined ? {} : { name }),
      sources,
      schedule,
      crawl: { refresh: values.refresh },
      webhook: webhook ?? null
    }
  }
}
