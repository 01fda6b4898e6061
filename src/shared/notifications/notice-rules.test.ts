import { describe, expect, it } from 'vitest'
import type { BrokerMetrics, ContainerStatus, StackStatus } from '../contract'
import type { CrawlSummary } from '../crawl'
import type { SavedSearch } from '../saved-search'
import type { Watch } from '../watch'
import { NoticeRateLimit } from './notice-rate-limit'
import { NoticeRules } from './notice-rules'
import { DEFAULT_NOTIFICATION_SETTINGS } from './notification-settings'

function container(
  name: string,
  state: ContainerStatus['state'],
  health: ContainerStatus['health'] = 'none',
  exitCode: number | null = null
): ContainerStatus {
  return {
    id: `id-${name}`,
    name,
    service: name.split('-')[1] ?? '',
    number: 1,
    image: 'i',
    state,
    health,
    startedAt: null,
    uptimeMs: null,
    exitCode,
    restarts: 0,
    ports: [],
    upToDate: true
  }
}
function status(...containers: ContainerStatus[]): StackStatus {
  return { services: [{ containers }], orphans: [] } as unknown as StackStatus
}
function metrics(ready: number, unacked = 0): BrokerMetrics {
  return {
    queues: [{ queue: 'rpc-scraper', service: 'scraper', ready, unacked, consumers: 2 }]
  } as unknown as BrokerMetrics
}
function crawl(id: string, state: CrawlSummary['state'], failed = 0): CrawlSummary {
  return { id, name: `crawl ${id}`, state, done: 10, failed, skipped: 0, total: 10 + failed } as unknown as CrawlSummary
}

describe('NoticeRules', () => {
  it('says when a running container exits or turns unhealthy, not on the first status', () => {
    const rules = new NoticeRules(() => 'scraper')
    expect(rules.status(status(container('d-api-1', 'exited', 'none', 1)), 0)).toEqual([])
    rules.status(status(container('d-api-1', 'running', 'healthy'), container('d-scraper-1', 'running')), 1)
    const notices = rules.status(
      status(container('d-api-1', 'running', 'unhealthy'), container('d-scraper-1', 'exited', 'none', 137)),
      2
    )
    expect(notices.map((n) => [n.kind, n.title])).toEqual([
      ['containerUnhealthy', 'd-api-1 is unhealthy'],
      ['containerExited', 'd-scraper-1 exited']
    ])
    expect(notices[1]?.body).toContain('code 137')
    // Still unhealthy, still exited: nothing new.
    expect(
      rules.status(status(container('d-api-1', 'running', 'unhealthy'), container('d-scraper-1', 'exited')), 3)
    ).toEqual([])
  })

  it('keeps quiet about a container the panel itself stopped', () => {
    const rules = new NoticeRules(() => 'scraper')
    rules.status(status(container('d-scraper-2', 'running')), 0)
    rules.progress({ step: 'stop', container: 'd-scraper-2' } as never, 0)
    expect(rules.status(status(container('d-scraper-2', 'exited', 'none', 0)), 1)).toEqual([])
  })

  it('says the backlog is high once it stayed over the threshold long enough, and again only after it fell', () => {
    const rules = new NoticeRules(() => 'scraper')
    const settings = { ...DEFAULT_NOTIFICATION_SETTINGS, backlogThreshold: 100, backlogForSeconds: 60 }
    expect(rules.metrics(metrics(80, 30), 0, settings)).toEqual([])
    expect(rules.metrics(metrics(90, 30), 59_000, settings)).toEqual([])
    const notice = rules.metrics(metrics(200), 60_000, settings)
    expect(notice.map((n) => n.kind)).toEqual(['backlogHigh'])
    expect(notice[0]?.body).toContain('for 60 s')
    expect(rules.metrics(metrics(200), 120_000, settings)).toEqual([])
    expect(rules.metrics(metrics(5), 121_000, settings)).toEqual([])
    expect(rules.metrics(metrics(500), 122_000, settings)).toEqual([])
    expect(rules.metrics(metrics(500), 182_000, settings).map((n) => n.kind)).toEqual(['backlogHigh'])
  })

  it('says when a crawl ends: finished, cancelled, or with failures', () => {
    const rules = new NoticeRules(() => 'scraper')
    expect(rules.crawlList([crawl('a', 'running'), crawl('old', 'done')])).toEqual([])
    rules.crawlList([crawl('a', 'running'), crawl('b', 'running'), crawl('c', 'paused'), crawl('old', 'done')])
    const notices = rules.crawlList([
      crawl('a', 'done'),
      crawl('b', 'done', 3),
      crawl('c', 'cancelled'),
      crawl('old', 'done')
    ])
    expect(notices.map((n) => [n.kind, n.title])).toEqual([
      ['crawlFinished', 'Crawl crawl a finished'],
      ['crawlFailed', 'Crawl crawl b ended with failures'],
      ['crawlFinished', 'Crawl crawl c was cancelled']
    ])
  })

  it('says each autoscale step that scaled, with its formula and reason', () => {
    const rules = new NoticeRules(() => null)
    const decision = {
      at: 0,
      service: 'scraper',
      current: 2,
      desired: 4,
      action: 'up' as const,
      formula: 'ceil(200 ÷ 50) = 4',
      reason: 'scale up at once',
      outcome: null
    }
    expect(rules.autoscale(decision)).toEqual([
      {
        kind: 'autoscaleStep',
        title: 'Autoscale scraper up: 2 → 4',
        body: 'ceil(200 ÷ 50) = 4; scale up at once',
        tag: 'autoscale-scraper'
      }
    ])
    expect(rules.autoscale({ ...decision, desired: 2, action: 'none' })).toEqual([])
  })
})

describe('NoticeRateLimit', () => {
  it('lets at most max of a kind through a minute, and counts what it held back', () => {
    const limit = new NoticeRateLimit()
    expect([0, 1, 2, 3, 4].map((t) => limit.admit('containerExited', t * 1000, 3).show)).toEqual([
      true,
      true,
      true,
      false,
      false
    ])
    expect(limit.admit('crawlFinished', 5000, 3).show).toBe(true)
    expect(limit.admit('containerExited', 59_999, 3).show).toBe(false)
    expect(limit.admit('containerExited', 60_000, 3)).toEqual({ show: true, heldBack: 3 })
    expect(limit.admit('containerExited', 60_001, 3).show).toBe(false)
    expect(limit.admit('containerExited', 61_000, 3)).toEqual({ show: true, heldBack: 1 })
  })
})

describe('NoticeRules.baseline', () => {
  it('is the stack at the start, unless a status event came first', () => {
    const rules = new NoticeRules(() => null)
    rules.baseline(status(container('d-api-1', 'running')), 0)
    expect(rules.status(status(container('d-api-1', 'exited')), 1).map((n) => n.kind)).toEqual(['containerExited'])
    const late = new NoticeRules(() => null)
    late.status(status(container('d-api-1', 'exited')), 0)
    late.baseline(status(container('d-api-1', 'running')), 1)
    expect(late.status(status(container('d-api-1', 'exited')), 2)).toEqual([])
  })
})

describe('saved search notices', () => {
  const search = (name: string, at: string | null): SavedSearch => ({
    name,
    query: { q: '' },
    webhook: null,
    lastMatch: at === null ? null : { at, watch: 'w-1', crawlId: 'c-1', listings: 3 },
    deliveries: [],
    createdAt: '2026-12-07T00:00:00Z',
    updatedAt: '2026-12-07T00:00:00Z'
  })

  it('rings for a match newer than the last look, not for the baseline', () => {
    const rules = new NoticeRules(() => null)
    expect(rules.savedSearches([search('a', '2026-12-07T07:00:00Z'), search('b', null)])).toEqual([])
    expect(rules.savedSearches([search('a', '2026-12-07T07:00:00Z'), search('b', '2026-12-07T08:00:00Z')])).toEqual([
      {
        kind: 'savedSearchMatched',
        title: 'Saved search b: 3 listings',
        body: 'Matched in crawl c-1 of watch w-1.',
        tag: 'saved-search-b'
      }
    ])
    expect(rules.savedSearches([search('a', '2026-12-07T07:00:00Z'), search('b', '2026-12-07T08:00:00Z')])).toEqual([])
  })
})

describe('watch health notices', () => {
  const health = (alerts: string[]) => ({
    total: 40,
    failed: 12,
    listings: 28,
    coverage: { salary: 0.5 },
    alerts: alerts.map((message) => ({ rule: 'failure-rate' as const, message }))
  })
  const watch = (runs: { id: string; alerts: string[] | null }[]): Watch => ({
    id: 'w-1',
    name: 'mornings',
    sources: ['jobboard'],
    schedule: { kind: 'every', hours: 6 },
    crawl: { refresh: false, maxAttempts: 3 },
    paused: false,
    webhook: null,
    deliveries: [],
    anchorAt: '2026-12-07T00:00:00Z',
    nextRunAt: null,
    runs: runs.map((r) => ({
      id: r.id,
      dueAt: '2026-12-07T07:00:00Z',
      trigger: 'schedule' as const,
      decidedAt: '2026-12-07T07:00:00Z',
      crawlId: `c-${r.id}`,
      skipped: null,
      error: null,
      outcome: null,
      health: r.alerts === null ? null : health(r.alerts)
    })),
    createdAt: '2026-12-07T00:00:00Z',
    updatedAt: '2026-12-07T00:00:00Z'
  })

  it('rings once for a run checked since the last look that raised alerts', () => {
    const rules = new NoticeRules(() => null)
    expect(rules.watches([watch([{ id: 'r1', alerts: ['old'] }])])).toEqual([])
    const two = [
      watch([
        { id: 'r3', alerts: [] },
        { id: 'r2', alerts: ['12 of 40 items failed (30 %), over 20 %'] },
        { id: 'r1', alerts: ['old'] }
      ])
    ]
    expect(rules.watches(two)).toEqual([
      {
        kind: 'watchHealth',
        title: 'Watch mornings: a health alert',
        body: '12 of 40 items failed (30 %), over 20 %',
        tag: 'watch-health-w-1'
      }
    ])
    expect(rules.watches(two)).toEqual([])
  })
})
