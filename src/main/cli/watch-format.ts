/** How watches read in a terminal (`deck watch list|show|add|edit|pause|resume|run`). */
import type { RevealedWatch, Watch, WatchListResponse, WatchRun } from '../../shared/watch'
import { deliveryText } from './saved-search-format'
import { describeSchedule } from '../../shared/watch-schedule'

export function formatWatchList(r: WatchListResponse): string {
  if (r.watches.length === 0) return 'no watches'
  return r.watches
    .map((w) => {
      const last = w.runs[0]
      return `${w.id.padEnd(12)} ${(w.paused ? 'paused' : 'active').padEnd(7)} ${w.name}: ${describeSchedule(w.schedule)}; next ${w.nextRunAt ?? '—'}; last ${last === undefined ? 'never' : runText(last)}`
    })
    .join('\n')
}

export function formatWatch(w: Watch | RevealedWatch): string {
  const lines = [
    `${w.id} "${w.name}" (${w.paused ? 'paused' : 'active'})`,
    `  sources       ${w.sources.join(', ')}`,
    `  schedule      ${describeSchedule(w.schedule)}  [${w.schedule.kind === 'cron' ? w.schedule.cron : `every ${w.schedule.hours}h`}]`,
    `  next run      ${w.nextRunAt ?? 'none while paused'}`,
    `  crawl         refresh ${w.crawl.refresh ? 'yes' : 'no'}, max attempts ${w.crawl.maxAttempts}`,
    `  webhook       ${w.webhook ?? 'none'}`
  ]
  if ('secret' in w) lines.push(`  secret        ${w.secret}  (signs each body: X-Scrapedeck-Signature)`)
  if (w.deliveries.length > 0)
    lines.push('  deliveries (newest first):', ...w.deliveries.map((d) => `    ${deliveryText(d)}`))
  if (w.runs.length === 0) lines.push('  runs          none yet')
  else lines.push('  runs (newest first):', ...w.runs.map((run) => `    ${runText(run)}`))
  return lines.join('\n')
}

/** "2026-12-08T06:00:00.000Z (schedule) crawl mxyz-1a2b: done, 40 done, 0 failed of 40" */
function runText(run: WatchRun): string {
  const head = `${run.dueAt} (${run.trigger})`
  if (run.skipped !== null) return `${head} skipped: ${run.skipped}`
  if (run.error !== null) return `${head} failed to start: ${run.error}`
  if (run.crawlId === null) return `${head} starting`
  if (run.outcome === null) return `${head} crawl ${run.crawlId}: running`
  const o = run.outcome
  return `${head} crawl ${run.crawlId}: ${o.state}, ${o.done} done, ${o.failed} failed of ${o.total}`
}
