/** A watch's runs as the Watches view shows them: a line of words each, and the history chart's columns. */
import type { WatchRun } from '../../../shared/watch'
import type { ChartMarker } from '../queue/chart-data'

/** "done · 39 done, 1 failed · 3 new, 2 changed, 1 gone", "skipped: the previous run's crawl … is still running", "running". */
export function runOutcomeText(run: WatchRun): string {
  if (run.skipped !== null) return `skipped: ${run.skipped}`
  if (run.error !== null) return `did not start: ${run.error}`
  if (run.crawlId === null) return 'starting'
  if (run.outcome === null) return 'running'
  const counts = `${run.outcome.state} · ${run.outcome.done} done, ${run.outcome.failed} failed`
  const c = run.outcome.changes
  return c === null ? counts : `${counts} · ${c.new} new, ${c.changed} changed, ${c.gone} gone`
}

/** x (epoch seconds of the due time), done, failed: oldest first, as uPlot's aligned columns. */
export type RunChartColumns = [number[], (number | null)[], (number | null)[]]

/** Ended runs as points; a skipped run has no counts, so it is a marker instead. */
export function runChartData(runs: WatchRun[]): { columns: RunChartColumns; markers: ChartMarker[] } {
  const oldestFirst = [...runs].reverse()
  const counted = oldestFirst.filter((run) => run.outcome !== null)
  const columns: RunChartColumns = [
    counted.map((run) => Date.parse(run.dueAt) / 1000),
    counted.map((run) => run.outcome?.done ?? null),
    counted.map((run) => run.outcome?.failed ?? null)
  ]
  const markers = oldestFirst
    .filter((run) => run.skipped !== null)
    .map((run) => ({ x: Date.parse(run.dueAt) / 1000, label: 'skipped' }))
  return { columns, markers }
}
