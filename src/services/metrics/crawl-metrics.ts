/**
 * The API's Prometheus metrics, for the crawl side (docs/metrics.md lists them): crawls and
 * items by state, items finished (a counter: rate() is items per second), per host what is
 * in flight, the allowed rate, the backoff and robots.txt skips, the scrape and fetch
 * durations, responses by status code, errors by kind, and the crawl's RPC requests and
 * replies. Counters follow the reply applier (Coordinator.replyWatchers); gauges are read
 * from the ledger when Prometheus scrapes, one search per scrape. No crawl or listing id is
 * a label: a per-crawl view is the crawl's HTTP statistics (GET /crawls/:id).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { CRAWL_ITEM_STATES, CRAWL_STATES } from '../../shared/crawl'
import { ROBOTS_DISALLOWED_KIND } from '../../shared/crawl-http-stats'
import { ERROR_KINDS } from '../../shared/error-kinds'
import type { Coordinator } from '../crawler/coordinator'
import { BoundedLabel } from './bounded-labels'

/** Hosts named as label values at most; more are "other". */
const MAX_HOST_LABELS = 200
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

export function crawlMetricsRegistry(coordinator: Coordinator): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const hosts = new BoundedLabel(MAX_HOST_LABELS)
  const errorKinds = new BoundedLabel(0, new Set<string>(ERROR_KINDS))
  const statusCodes = new BoundedLabel(0, new Set(Array.from({ length: 500 }, (_, i) => String(100 + i))))
  const registers = [registry]

  const finished = new Counter({
    name: 'scrapedeck_crawl_items_finished_total',
    help: 'Crawl items the ledger settled as done or failed.',
    labelNames: ['state'],
    registers
  })
  const replies = new Counter({
    name: 'scrapedeck_crawl_rpc_replies_total',
    help: 'Scrape replies the coordinator received for items of its crawls.',
    labelNames: ['result'],
    registers
  })
  const errors = new Counter({
    name: 'scrapedeck_crawl_errors_total',
    help: 'Scrape replies that were errors, by error kind (unknown kinds are "other").',
    labelNames: ['kind'],
    registers
  })
  const responses = new Counter({
    name: 'scrapedeck_fetch_responses_total',
    help: 'HTTP answers the scrapers got from source sites, by status code.',
    labelNames: ['code'],
    registers
  })
  const robots = new Counter({
    name: 'scrapedeck_host_robots_disallowed_total',
    help: 'Items skipped because the host robots.txt disallows their page.',
    labelNames: ['host'],
    registers
  })
  const scrapeDuration = new Histogram({
    name: 'scrapedeck_scrape_duration_seconds',
    help: 'Time a scraper spent on one crawl request (its handler: slot wait, fetch and parse).',
    buckets: DURATION_BUCKETS,
    registers
  })
  const fetchDuration = new Histogram({
    name: 'scrapedeck_fetch_duration_seconds',
    help: 'Time from a fetch first request to its last byte or error.',
    buckets: DURATION_BUCKETS,
    registers
  })
  coordinator.replyWatchers.push({
    onObserved: (observation, meta) => {
      replies.inc({ result: observation.errorKind === null ? 'ok' : 'error' })
      if (observation.errorKind !== null) errors.inc({ kind: errorKinds.of(observation.errorKind) })
      if (observation.errorKind === ROBOTS_DISALLOWED_KIND && observation.host !== null)
        robots.inc({ host: hosts.of(observation.host) })
      if (meta.tookMs !== null) scrapeDuration.observe(meta.tookMs / 1000)
      const fetch = observation.fetch
      if (fetch === null) return
      fetchDuration.observe(fetch.ms / 1000)
      if (fetch.status !== null) responses.inc({ code: statusCodes.of(String(fetch.status)) })
    },
    onFinished: (state) => finished.inc({ state })
  })

  let lastPublished = 0
  new Counter({
    name: 'scrapedeck_crawl_rpc_requests_total',
    help: 'Scrape requests the coordinator published (with the broker confirm).',
    registers,
    collect() {
      this.inc(coordinator.dispatcher.published - lastPublished)
      lastPublished = coordinator.dispatcher.published
    }
  })

  // One ledger read per scrape, shared by the gauges that need it.
  let snapshot: Promise<LedgerSnapshot | null> | null = null
  const readLedger = (): Promise<LedgerSnapshot | null> => {
    snapshot ??= ledgerSnapshot(coordinator).finally(() => setTimeout(() => (snapshot = null), 1000).unref())
    return snapshot
  }
  new Gauge({
    name: 'scrapedeck_crawls',
    help: 'Crawls by state.',
    labelNames: ['state'],
    registers,
    async collect() {
      const ledger = await readLedger()
      if (ledger === null) return
      for (const state of CRAWL_STATES) this.set({ state }, ledger.crawls.get(state) ?? 0)
    }
  })
  new Gauge({
    name: 'scrapedeck_crawl_items',
    help: 'Items of every crawl by state.',
    labelNames: ['state'],
    registers,
    async collect() {
      const ledger = await readLedger()
      if (ledger === null) return
      for (const state of CRAWL_ITEM_STATES) this.set({ state }, ledger.items[state])
    }
  })
  // Per host gauges: a host gone from the ledger drops out rather than keeping its last value.
  const hostGauge = (name: string, help: string, value: (host: LedgerHost) => number | null): void => {
    new Gauge({
      name,
      help,
      labelNames: ['host'],
      registers,
      async collect() {
        const ledger = await readLedger()
        if (ledger === null) return
        this.reset()
        for (const host of ledger.hosts) {
          const v = value(host)
          if (v !== null) this.set({ host: hosts.of(host.host) }, v)
        }
      }
    })
  }
  hostGauge('scrapedeck_host_in_flight', 'Requests dispatched to a host and not yet answered.', (h) => h.inFlight)
  hostGauge(
    'scrapedeck_host_allowed_requests_per_second',
    'Request starts per second a host allows (1 / its minimum gap); +Inf with no gap.',
    (h) => {
      const politeness = coordinator.politenessOf(h.host)
      return politeness.minGapMs === 0 ? Number.POSITIVE_INFINITY : 1000 / politeness.minGapMs
    }
  )
  hostGauge(
    'scrapedeck_host_backoff_seconds',
    'How long a host that refused (429) stays paused for every crawl; 0 when not paused.',
    (h) => h.backoffSeconds
  )
  hostGauge('scrapedeck_host_blocked', '1 when a host kept refusing and gets no more requests.', (h) =>
    h.blocked ? 1 : 0
  )
  new Gauge({
    name: 'scrapedeck_ledger_up',
    help: '1 when the last read of the crawl ledger for these metrics worked.',
    registers,
    async collect() {
      this.set((await readLedger()) === null ? 0 : 1)
    }
  })
  return registry
}

interface LedgerHost {
  host: string
  inFlight: number
  backoffSeconds: number
  blocked: boolean
}

interface LedgerSnapshot {
  crawls: Map<string, number>
  items: Awaited<ReturnType<Coordinator['ledgerGauges']>>['states']
  hosts: LedgerHost[]
}

/** Null while the ledger cannot be read: the gauges keep their last values and scrapedeck_ledger_up says 0. */
async function ledgerSnapshot(coordinator: Coordinator): Promise<LedgerSnapshot | null> {
  if (!coordinator.ready) return null
  try {
    const [crawls, gauges, clocks] = await Promise.all([
      coordinator.crawls.list(),
      coordinator.ledgerGauges(),
      coordinator.hostClocks.all()
    ])
    const byState = new Map<string, number>()
    for (const crawl of crawls) byState.set(crawl.state, (byState.get(crawl.state) ?? 0) + 1)
    const now = Date.now()
    const names = new Set([...clocks.map((c) => c.host), ...gauges.scrapingByHost.keys()])
    const clockOf = new Map(clocks.map((c) => [c.host, c]))
    return {
      crawls: byState,
      items: gauges.states,
      hosts: [...names].map((host) => {
        const clock = clockOf.get(host)
        return {
          host,
          inFlight: gauges.scrapingByHost.get(host) ?? 0,
          backoffSeconds: clock === undefined ? 0 : Math.max(0, clock.pausedUntil - now) / 1000,
          blocked: clock?.blocked ?? false
        }
      })
    }
  } catch {
    return null
  }
}
