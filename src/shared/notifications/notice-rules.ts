/**
 * Which notices the panel's events call for, written once for both shells: a pure state
 * machine fed the status, metrics and progress events every client gets, the crawl list and
 * the autoscaler's decisions. The first status and crawl list only set the baseline (opening
 * the panel on a broken stack does not ring); a container the panel itself stops or replaces
 * (stop, scale down, restart, recreate) does not count as exiting.
 */
import type { BrokerMetrics, ProgressEvent, StackStatus } from '../contract'
import type { CrawlSummary } from '../crawl'
import type { AutoscaleDecision } from '../autoscale'
import type { SavedSearch } from '../saved-search'
import type { Watch } from '../watch'
import type { NotificationSettings, PanelNotice } from './notification-settings'

/** What a notice reads of an autoscale decision. */
export type AutoscaleStep = Pick<
  AutoscaleDecision,
  'service' | 'current' | 'desired' | 'action' | 'formula' | 'reason' | 'outcome'
>

/** How long a container the panel stopped stays expected to exit. */
const EXPECTED_EXIT_MS = 120_000
const PANEL_STOP_STEPS = new Set(['stop', 'restart', 'recreate', 'remove'])

interface ContainerSeen {
  state: string
  health: string
}

export class NoticeRules {
  private containers: Map<string, ContainerSeen> | null = null
  private crawls: Map<string, CrawlSummary['state']> | null = null
  private lastMatches: Map<string, string | null> | null = null
  /** Runs whose health was already checked when last seen. */
  private checkedRuns: Set<string> | null = null
  private readonly expectedExits = new Map<string, number>()
  private backlogOverSince: number | null = null
  private backlogNotified = false

  /** The Nameko service whose queue's backlog is watched (the scraper's). */
  constructor(private readonly scraperService: () => string | null) {}

  progress(event: ProgressEvent, now: number): void {
    if (event.container !== null && PANEL_STOP_STEPS.has(event.step))
      this.expectedExits.set(event.container, now + EXPECTED_EXIT_MS)
  }

  /** The stack as it is when the notifier starts, unless a status event came first. */
  baseline(status: StackStatus, now: number): void {
    if (this.containers === null) this.status(status, now)
  }

  status(status: StackStatus, now: number): PanelNotice[] {
    const containers = [...status.services.flatMap((s) => s.containers), ...status.orphans]
    const previous = this.containers
    this.containers = new Map(containers.map((c) => [c.id, { state: c.state, health: c.health }]))
    for (const [name, until] of this.expectedExits) if (until < now) this.expectedExits.delete(name)
    if (previous === null) return []
    const notices: PanelNotice[] = []
    for (const c of containers) {
      const before = previous.get(c.id)
      if (before === undefined) continue
      if (c.health === 'unhealthy' && before.health !== 'unhealthy') {
        notices.push({
          kind: 'containerUnhealthy',
          title: `${c.name} is unhealthy`,
          body: `Its healthcheck fails (service ${c.service}).`,
          tag: `unhealthy-${c.name}`
        })
      }
      const exited =
        (c.state === 'exited' || c.state === 'dead') && before.state !== 'exited' && before.state !== 'dead'
      if (exited && !this.expectedExits.has(c.name)) {
        const code = c.exitCode === null ? '' : ` with code ${c.exitCode}`
        notices.push({
          kind: 'containerExited',
          title: `${c.name} exited`,
          body: `It stopped${code} (service ${c.service}); the panel did not stop it.`,
          tag: `exited-${c.name}`
        })
      }
    }
    return notices
  }

  metrics(metrics: BrokerMetrics, now: number, settings: NotificationSettings): PanelNotice[] {
    const service = this.scraperService()
    const queue = metrics.queues.find((q) => q.service === service)
    if (queue === undefined) return []
    const backlog = queue.ready + queue.unacked
    if (backlog <= settings.backlogThreshold) {
      this.backlogOverSince = null
      this.backlogNotified = false
      return []
    }
    this.backlogOverSince ??= now
    if (this.backlogNotified || now - this.backlogOverSince < settings.backlogForSeconds * 1000) return []
    this.backlogNotified = true
    return [
      {
        kind: 'backlogHigh',
        title: `Scraper backlog: ${backlog} requests`,
        body: `Over ${settings.backlogThreshold} for ${Math.round((now - this.backlogOverSince) / 1000)} s on ${queue.queue}, with ${queue.consumers} consumer${queue.consumers === 1 ? '' : 's'}.`,
        tag: 'backlog'
      }
    ]
  }

  crawlList(crawls: CrawlSummary[]): PanelNotice[] {
    const previous = this.crawls
    this.crawls = new Map(crawls.map((c) => [c.id, c.state]))
    if (previous === null) return []
    const notices: PanelNotice[] = []
    for (const c of crawls) {
      const before = previous.get(c.id)
      const ended = c.state === 'done' || c.state === 'cancelled'
      if (before === undefined || before === 'done' || before === 'cancelled' || !ended) continue
      const counts = `${c.done} done, ${c.failed} failed, ${c.skipped} skipped of ${c.total}`
      if (c.failed > 0)
        notices.push({
          kind: 'crawlFailed',
          title: `Crawl ${c.name} ended with failures`,
          body: counts,
          tag: `crawl-${c.id}`
        })
      else
        notices.push({
          kind: 'crawlFinished',
          title: `Crawl ${c.name} ${c.state === 'cancelled' ? 'was cancelled' : 'finished'}`,
          body: counts,
          tag: `crawl-${c.id}`
        })
    }
    return notices
  }

  /** A saved search whose last match is newer than when the panel last looked. */
  savedSearches(searches: SavedSearch[]): PanelNotice[] {
    const previous = this.lastMatches
    this.lastMatches = new Map(searches.map((s) => [s.name, s.lastMatch?.at ?? null]))
    if (previous === null) return []
    return searches.flatMap((s) => {
      const match = s.lastMatch
      if (match === null || previous.get(s.name) === match.at) return []
      return [
        {
          kind: 'savedSearchMatched' as const,
          title: `Saved search ${s.name}: ${match.listings} listing${match.listings === 1 ? '' : 's'}`,
          body: `Matched in crawl ${match.crawlId} of watch ${match.watch}.`,
          tag: `saved-search-${s.name}`
        }
      ]
    })
  }

  /** A watch run whose health check, new since the last look, raised alerts. */
  watches(watches: Watch[]): PanelNotice[] {
    const previous = this.checkedRuns
    const checked = watches.flatMap((w) =>
      w.runs.filter((r) => r.health !== undefined && r.health !== null).map((r) => ({ watch: w, run: r }))
    )
    this.checkedRuns = new Set(checked.map(({ run }) => run.id))
    if (previous === null) return []
    return checked.flatMap(({ watch, run }) => {
      const alerts = run.health?.alerts ?? []
      if (previous.has(run.id) || alerts.length === 0) return []
      return [
        {
          kind: 'watchHealth' as const,
          title: `Watch ${watch.name}: ${alerts.length === 1 ? 'a health alert' : `${alerts.length} health alerts`}`,
          body: alerts.map((a) => a.message).join('; '),
          tag: `watch-health-${watch.id}`
        }
      ]
    })
  }

  /** Only evaluations that scaled: one every few seconds says "none" most of the time. */
  autoscale(decision: AutoscaleStep): PanelNotice[] {
    if (decision.action === 'none' || decision.desired === decision.current) return []
    const failed = decision.outcome === null ? '' : ` (${decision.outcome})`
    return [
      {
        kind: 'autoscaleStep',
        title: `Autoscale ${decision.service} ${decision.action}: ${decision.current} → ${decision.desired}`,
        body: `${decision.formula}; ${decision.reason}${failed}`,
        tag: `autoscale-${decision.service}`
      }
    ]
  }
}
