/**
 * The crawl coordinator, run inside the API service: it already holds the Elasticsearch and
 * AMQP connections, and all of a crawl's state is in the ledger and in durable queues, so
 * restarting the api container is a coordinator restart that loses nothing. One loop keeps
 * the scraper queue full (dispatcher), expires stale requests, marks finished crawls done
 * and announces crawl control; replies are applied as they come (reply-applier).
 */
import { ChangeRecorder } from './changes/change-recorder'
import { changeRows, changesPage } from './changes/change-report'
import { sweepGone } from './changes/gone-sweep'
import { ListingRegistry, registryIndex } from './changes/listing-registry'
import type { ChangeKind, CrawlChange, CrawlChangesPage } from '../../shared/crawl-changes'
import { randomBytes } from 'node:crypto'
import type { Client } from '@elastic/elasticsearch'
import type {
  CrawlAction,
  CrawlDetail,
  CrawlItemState,
  CrawlItemsPage,
  CrawlStartOptions,
  CrawlStartResponse,
  CrawlSummary,
  ExportRow
} from '../../shared/crawl'
import { createElasticsearchClient } from '../listings/elasticsearch-client'
import { ListingRepository } from '../listings/listing-repository'
import type { Logger } from '../log'
import { applyAction, deleteCrawl } from './crawl-actions'
import { ANNOUNCE_EVERY_MS, ControlAnnouncer } from './control-announcer'
import { CrawlError, crawlNotFound } from './crawl-errors'
import { CrawlIngests } from './crawl-ingests'
import { CrawlStats, ledgerGauges } from './crawl-stats'
import { CrawlStore } from './crawl-store'
import { CrawlerLink } from './crawler-link'
import { Dispatcher, SLOT_PLAN } from './dispatcher'
import { DispatchBatches } from './dispatch-batches'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'
import type { Politeness } from '../../shared/source'
import { crawlItemOf, exportRows } from './export-rows'
import type { Backoff } from './item-outcome'
import { ItemStore, crawlItemsQuery } from './item-store'
import { ensureLedgerIndices, ledgerIndices } from './ledger-indices'
import { itemSource } from './ledger-docs'
import type { CrawlDoc } from './ledger-docs'
import { ReplyApplier } from './reply-applier'
import type { ReplyApplierOptions } from './reply-applier'
import { DEFAULT_HTTP_STATS_CHECKPOINT_MS, HttpStatsStore } from './http-stats-store'
import type { CrawlHttpStats } from '../../shared/crawl-http-stats'
import type { ReplyObservation } from './http-stats'
import type { SourceSettings } from './crawl-sources'
import { ensureSourcesIndex, sourcesIndex } from '../sources/source-index'
import { SourceRegistry } from '../sources/source-registry'
import { SourceStore } from '../sources/source-store'
import { applyAnswers, clockChanged } from '../politeness/host-answers'
import type { AnsweredClock, HostAnswer } from '../politeness/host-answers'
import { HostClocks } from '../politeness/host-clock'
import { HostLoads } from './host-load'
import { HostStatuses } from './host-statuses'
import type { HostClockDoc } from '../politeness/host-clock'
import { hostOf } from '../politeness/politeness-settings'
import { RobotsGate } from '../politeness/robots-gate'
import type { RobotsTiming } from '../politeness/robots-rules'
import { RobotsStore } from '../politeness/robots-store'
import { listingUrl } from '../scraper/listing-url'
import type { SlotPlanOptions } from '../politeness/slot-schedule'
import { SourcePoliteness } from '../politeness/source-politeness'
import { ensureWatchesIndex, watchesIndex } from '../watches/watch-index'
import { AlertDispatcher, outboxHolderName } from '../alerts/alert-dispatcher'
import { WebhookOutbox, ensureWebhookOutboxIndex, webhookOutboxIndex } from '../alerts/webhook-outbox'
import { ensureSavedSearchesIndex, savedSearchesIndex } from '../alerts/saved-search-index'
import { SavedSearchStore } from '../alerts/saved-search-store'
import type { Listing } from '../../shared/listing'
import { crawlListings } from './crawl-listings'
import { WatchScheduler } from '../watches/watch-scheduler'
import type { CrawlNow } from '../watches/watch-due'
import { WatchStore } from '../watches/watch-store'

/** The change kinds a watched crawl's saved searches are matched against. */
const ANNOUNCED = ['new', 'changed'] as const
export interface CoordinatorOptions {
  elasticsearchUrl: string
  /** The listings cache index the API's lookups use. */
  listingsIndex: string
  /** Ledger indices are `<prefix>-crawls` and `<prefix>-crawl-items`; the reply queue is `<prefix>-crawler-replies`. */
  indexPrefix: string
  amqpUri: string
  /** The scraper's RPC service name and method. */
  service: string
  method: string
  /** Requests outstanding at most (CRAWL_WINDOW). */
  window: number
  /** A request unanswered this long is tried again (CRAWL_STALE_MS). */
  staleMs: number
  backoff: Backoff
  sources: SourceSettings
  /**
   * The politeness the default source is created with at first start (the fields not given
   * take the contract's defaults); afterwards the stored source's own settings apply.
   */
  defaultSourcePoliteness?: Partial<Politeness>
  /** How far ahead slots are handed out and the margin between them (dispatcher.ts SLOT_PLAN by default). */
  slotPlan?: SlotPlanOptions
  /** robots.txt is obeyed per host (politeness/robots-gate.ts) when given: the User-Agent we fetch with, and how long answers are kept. */
  robots?: { userAgent: string; timing: RobotsTiming }
  logger: Logger
  /** How often the per-crawl HTTP statistics are checkpointed (CRAWL_HTTP_STATS_CHECKPOINT_MS). */
  httpStatsCheckpointMs?: number
  tickMs?: number
  /** How often due watches are looked for (WATCH_TICK_MS; watch-scheduler.ts). */
  watchTickMs?: number
  /** A failed webhook's first wait before it is tried again (webhook-backoff.ts; 1 s). */
  webhookFirstRetryMs?: number
  amqpInitialRetries?: number
}

const STALE_CHECK_EVERY_MS = 5000
/**
 * With no crawl running, running crawls are looked for this often instead of at every tick, so
 * an idle stack does not search the ledger twice a second. A crawl started, resumed or retried
 * through this coordinator wakes the loop at once; one started through another coordinator
 * (a second `api`) is dispatched by that one at once and seen here within this.
 */
const IDLE_LOOK_EVERY_MS = 5000

export class Coordinator {
  readonly crawls: CrawlStore
  readonly items: ItemStore
  /** Dispatch batches not yet confirmed by the broker (dispatch-batches.ts). */
  readonly batches: DispatchBatches
  readonly stats: CrawlStats
  readonly link: CrawlerLink
  readonly dispatcher: Dispatcher
  /** The boards the fleet may scrape (`<prefix>-sources`); scrapers learn them from the announcements. */
  readonly sources: SourceRegistry
  readonly hostClocks: HostClocks
  /** Each host's politeness, from its sources' settings (re-read every few seconds). */
  readonly politeness: SourcePoliteness
  readonly robots: RobotsStore
  private readonly robotsGate: RobotsGate | null
  /** Every host's politeness status (GET /hosts, each source's hosts). */
  readonly hostStatuses: HostStatuses
  /** Per crawl and host HTTP statistics: counted in memory, checkpointed every few seconds. */
  readonly httpStats: HttpStatsStore
  /** Scheduled crawls (`<prefix>-watches`): due times claimed here, each run an ordinary crawl. */
  readonly watches: WatchScheduler
  /** Every listing's record across crawls: what changed, what a re-crawl may skip (changes/). */
  readonly registry: ListingRegistry
  /** Saved searches (`<prefix>-saved-searches`), matched after every watched crawl; their webhooks sent from here. */
  readonly alerts: AlertDispatcher
  readonly savedSearches: SavedSearchStore
  /** Told of every reply and every finished item (metrics/crawl-metrics.ts listens). */
  readonly replyWatchers: Pick<ReplyApplierOptions, 'onObserved' | 'onFinished'>[] = []
  private readonly es: Client
  private readonly applier: ReplyApplier
  private readonly ingests: CrawlIngests
  private readonly announcer: ControlAnnouncer
  private timer: NodeJS.Timeout | null = null
  private ticking: Promise<void> | null = null
  private closed = false
  private started = false
  private linkStarted = false
  private starting: Promise<void> | null = null
  private lastStaleCheck = 0
  /** Until then the last look found no running crawl and nothing woke the loop since. */
  private idleUntil = 0
  /** Counts wake(): a look that started before a wake must not put the loop back to sleep. */
  private wakes = 0

  constructor(private readonly options: CoordinatorOptions) {
    this.es = createElasticsearchClient(options.elasticsearchUrl, 30_000)
    const indices = ledgerIndices(options.indexPrefix)
    this.crawls = new CrawlStore(this.es, indices.crawls)
    this.items = new ItemStore(this.es, indices.items)
    this.registry = new ListingRegistry(this.es, registryIndex(options.indexPrefix))
    this.batches = new DispatchBatches(this.es, indices.dispatches)
    this.stats = new CrawlStats(this.es, indices.items, (counts) => this.hostStatuses.ofCrawl(counts))
    this.link = new CrawlerLink({
      amqpUri: options.amqpUri,
      service: options.service,
      method: options.method,
      replyQueue: `${options.indexPrefix}-crawler-replies`,
      prefetch: 1000,
      logger: options.logger,
      initialRetries: options.amqpInitialRetries ?? 30
    })
    const sourceStore = new SourceStore(this.es, sourcesIndex(options.indexPrefix))
    this.announcer = new ControlAnnouncer(this.crawls, this.link, { store: sourceStore, service: options.service })
    this.politeness = new SourcePoliteness(() => sourceStore.list())
    // Scrapers learn of a change at once, not at the next announcement; the next tick applies new politeness.
    this.sources = new SourceRegistry({
      store: sourceStore,
      hosts: (source) => this.hostStatuses.ofSource(source.name),
      onChange: () => {
        this.politeness.invalidate()
        return this.announcer.announce().catch(() => {})
      }
    })
    this.hostClocks = new HostClocks(this.es, indices.hosts)
    this.robots = new RobotsStore(this.es, indices.robots)
    this.robotsGate = options.robots
      ? new RobotsGate({
          store: this.robots,
          clocks: this.hostClocks,
          userAgent: options.robots.userAgent,
          timing: options.robots.timing,
          plan: options.slotPlan ?? SLOT_PLAN,
          logger: options.logger
        })
      : null
    // An item of a source no longer registered is counted against the default source's host.
    const fallbackHost = hostOf(options.sources.template.replace('{id}', 'id'))
    const hostOfSource = (source: string): string => this.politeness.hostOfSource(source) ?? fallbackHost
    this.hostStatuses = new HostStatuses({
      clocks: this.hostClocks,
      loads: new HostLoads(this.es, indices.items),
      politeness: this.politeness,
      sourceNames: async () => (await sourceStore.list()).map((s) => s.name),
      hostOfSource,
      runningCrawlIds: async () => (await this.crawls.list(['running'], 1000)).map((c) => c.id),
      robots: options.robots ? { summaries: () => this.robots.summaries(), userAgent: options.robots.userAgent } : null,
      ...(options.slotPlan ? { marginMs: options.slotPlan.marginMs } : {})
    })
    this.httpStats = new HttpStatsStore(this.es, indices.httpStats, {
      coordinatorId: randomBytes(6).toString('hex'),
      everyMs: options.httpStatsCheckpointMs ?? DEFAULT_HTTP_STATS_CHECKPOINT_MS,
      logger: options.logger
    })
    this.dispatcher = new Dispatcher({
      items: this.items,
      batches: this.batches,
      link: this.link,
      logger: options.logger,
      backoff: options.backoff,
      window: options.window,
      staleMs: options.staleMs,
      politeness: {
        clocks: this.hostClocks,
        settings: this.politeness,
        hostOfSource,
        ...(options.slotPlan ? { plan: options.slotPlan } : {}),
        ...(this.robotsGate ? { robots: { gate: this.robotsGate, urlOf: (item) => this.pageUrlOf(item) } } : {})
      }
    })
    this.applier = new ReplyApplier({
      items: this.items,
      changes: new ChangeRecorder(this.registry),
      listings: new ListingRepository(this.es, options.listingsIndex),
      backoff: options.backoff,
      logger: options.logger,
      onHostAnswers: (host, answers) => this.hostAnswered(host, answers),
      onObserved: (observation, meta) => this.observe(observation, meta),
      onFinished: (state) => {
        for (const watcher of this.replyWatchers) watcher.onFinished?.(state)
      }
    })
    this.savedSearches = new SavedSearchStore(this.es, savedSearchesIndex(options.indexPrefix))
    this.alerts = new AlertDispatcher({
      store: this.savedSearches,
      outbox: new WebhookOutbox(this.es, webhookOutboxIndex(options.indexPrefix), outboxHolderName()),
      listingPages: (crawlId) => this.listingsToAnnounce(crawlId),
      recordHealth: async (watchId, runId, health) => {
        await this.watches.store.change(watchId, (watch) => ({
          ...watch,
          runs: watch.runs.map((run) => (run.id === runId ? { ...run, health } : run))
        }))
      },
      watches: {
        reveal: (id) => this.watches.store.reveal(id),
        recordDelivery: (id, delivery) => this.watches.store.recordDelivery(id, delivery)
      },
      logger: options.logger,
      ...(options.webhookFirstRetryMs === undefined ? {} : { firstRetryMs: options.webhookFirstRetryMs })
    })
    this.watches = new WatchScheduler({
      store: new WatchStore(this.es, watchesIndex(options.indexPrefix)),
      startCrawl: async (request) => (await this.startCrawl(request)).crawl.id,
      crawlNow: (id) => this.crawlNow(id),
      onRunEnded: (watch, run) => this.alerts.runEnded(watch, run),
      logger: options.logger,
      ...(options.watchTickMs === undefined ? {} : { tickMs: options.watchTickMs })
    })
    this.ingests = new CrawlIngests({
      crawls: this.crawls,
      items: this.items,
      registry: this.registry,
      es: this.es,
      listingsIndex: options.listingsIndex,
      sources: { ...options.sources, registry: sourceStore },
      logger: options.logger
    })
  }

  /** Until started, the routes answer CrawlerUnavailable. */
  get ready(): boolean {
    return this.started
  }

  /** Safe to call again after it failed (Elasticsearch or the broker not up yet). */
  start(): Promise<void> {
    this.starting = this.startOnce().finally(() => (this.starting = null))
    return this.starting
  }

  private async startOnce(): Promise<void> {
    if (this.closed) throw new Error('The coordinator is closed')
    await ensureLedgerIndices(this.es, ledgerIndices(this.options.indexPrefix))
    await this.registry.ensure()
    await ensureSourcesIndex(this.es, this.sources.store.index)
    await ensureWatchesIndex(this.es, this.watches.store.index)
    await ensureSavedSearchesIndex(this.es, this.savedSearches.index)
    await ensureWebhookOutboxIndex(this.es, webhookOutboxIndex(this.options.indexPrefix))
    await this.sources.store.ensureDefault({
      listingUrlTemplate: this.options.sources.template,
      sitemapUrls: [this.options.sources.boardSitemapUrl],
      ...(this.options.defaultSourcePoliteness === undefined
        ? {}
        : { politeness: this.options.defaultSourcePoliteness })
    })
    if (!this.linkStarted && !this.closed) {
      await this.link.start((reply) => this.applier.take(reply))
      this.linkStarted = true
    }
    if (this.closed) return
    await this.ingests.resumeAll()
    this.httpStats.start()
    this.started = true
    this.wake()
    this.watches.start()
    this.alerts.start()
    this.options.logger.info('Crawl coordinator started', {
      prefix: this.options.indexPrefix,
      window: this.options.window,
      rpcService: this.options.service
    })
  }

  /** Stops the loop and the AMQP link; unapplied replies stay in the durable reply queue. */
  async close(): Promise<void> {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    await this.watches.close()
    await this.alerts.close()
    this.ingests.abortAll()
    // A start still under way finishes (or fails) first, so nothing it opens outlives close().
    await this.starting?.catch(() => {})
    await this.ticking
    await this.robotsGate?.close()
    await this.applier.close()
    await this.httpStats.close()
    await this.link.close()
    await this.es.close()
  }

  async startCrawl(request: CrawlStartOptions): Promise<CrawlStartResponse> {
    const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
    const started = await this.ingests.start(id, request)
    // The answer's counts include the items just ingested (the aggregation sees refreshed items only).
    await this.items.refresh()
    const [crawl] = await this.stats.summaries([started.crawl])
    this.wake()
    return { ...started.result, crawl: crawl! }
  }

  async list(): Promise<CrawlSummary[]> {
    return this.stats.summaries(await this.crawls.list())
  }

  async detail(id: string): Promise<CrawlDetail> {
    const crawl = await this.crawl(id)
    const [detail, http] = await Promise.all([this.stats.detail(crawl), this.httpStats.read(id)])
    return { ...detail, http }
  }

  /**
   * Counts a reply, or an item skipped without one (a robots.txt skip decided here: errorKind
   * RobotsDisallowed, fetch null), in the crawl's HTTP statistics and the metrics.
   */
  observe(observation: ReplyObservation, meta: { tookMs: number | null } = { tookMs: null }): void {
    this.httpStats.record(observation)
    for (const watcher of this.replyWatchers) watcher.onObserved?.(observation, meta)
  }

  /** Items by state across crawls and in flight by host (metrics). */
  ledgerGauges(): ReturnType<typeof ledgerGauges> {
    return ledgerGauges(this.es, this.items.index)
  }

  /** The limits a host is held to: its sources' settings, or the defaults (metrics). */
  politenessOf(host: string): Politeness {
    return this.politeness.politenessFor(host)
  }

  async httpStatsOf(id: string): Promise<CrawlHttpStats> {
    await this.crawl(id)
    return this.httpStats.read(id)
  }

  async summary(id: string): Promise<CrawlSummary> {
    const [summary] = await this.stats.summaries([await this.crawl(id)])
    return summary!
  }

  async itemsPage(
    id: string,
    query: { state?: CrawlItemState; cursor?: string; limit: number }
  ): Promise<CrawlItemsPage> {
    await this.crawl(id)
    const after = query.cursor === undefined ? undefined : parseCursor(query.cursor)
    const page = await this.items.search(
      crawlItemsQuery(id, query.state),
      query.limit,
      after === undefined ? undefined : [after, id]
    )
    const items = page.map(({ doc }) => crawlItemOf(doc))
    const last = page[page.length - 1]
    return { items, nextCursor: page.length === query.limit && last !== undefined ? String(last.doc.seq) : null }
  }

  /** What a watched crawl's alerts are matched against, a page at a time: the listings it found new or changed. */
  private listingsToAnnounce(crawlId: string): AsyncGenerator<Listing[]> {
    // An unchanged listing was announced by the crawl that last found it new or changed.
    return crawlListings(crawlId, this.items, this.es, this.options.listingsIndex, ANNOUNCED)
  }

  /** A crawl's state and, once it ended, its counts (a watch's run outcome); null when it is gone. */
  private async crawlNow(id: string): Promise<CrawlNow | null> {
    const crawl = await this.crawls.get(id)
    if (crawl === null) return null
    if (crawl.state === 'running' || crawl.state === 'paused')
      return { state: crawl.state, total: 0, done: 0, failed: 0, finishedAt: null, changes: null }
    const [summary] = await this.stats.summaries([crawl])
    return {
      state: crawl.state,
      total: summary?.total ?? 0,
      done: summary?.done ?? 0,
      failed: summary?.failed ?? 0,
      finishedAt: summary?.finishedAt ?? null,
      changes: summary?.changes ?? null
    }
  }

  /** A page of the crawl's change report, with its counts. */
  async changesPage(
    id: string,
    query: { kind?: ChangeKind; q?: string; cursor?: string; limit: number }
  ): Promise<CrawlChangesPage> {
    const crawl = await this.crawl(id)
    const after = query.cursor === undefined ? undefined : parseCursor(query.cursor)
    const [summary] = await this.stats.summaries([crawl])
    return changesPage(this.items, id, summary?.changes, { ...query, after })
  }

  /** Every row of the crawl's change report of the listed kinds (the export). */
  changeRows(id: string): AsyncGenerator<CrawlChange> {
    return changeRows(this.items, id)
  }

  async action(id: string, action: CrawlAction): Promise<CrawlSummary> {
    const crawl = await this.crawl(id)
    await applyAction(crawl, action, { crawls: this.crawls, items: this.items })
    // Scrapers learn of a cancel or pause (or a resume) at once, not at the next announcement.
    await this.announcer.announce().catch(() => {})
    if (action === 'cancel') this.ingests.abort(id)
    this.wake()
    // The answer's counts include what the action just changed.
    await this.items.refresh()
    return this.summary(id)
  }

  async remove(id: string): Promise<void> {
    await this.crawl(id)
    this.ingests.abort(id)
    this.announcer.markDeleted(id)
    await this.announcer.announce().catch(() => {})
    await deleteCrawl(id, { crawls: this.crawls, items: this.items })
    await this.httpStats.remove(id)
  }

  async exportRows(id: string): Promise<AsyncGenerator<ExportRow>> {
    await this.crawl(id)
    return exportRows(id, this.items, this.es, this.options.listingsIndex)
  }

  /**
   * A host's answers in a flush of replies, applied to its shared clock (paused by a 429 or a
   * run of 503s, blocked if it keeps refusing, a page served ends a run); retried until a write
   * wins. Answers, per answer, whether it was the host's refusal.
   */
  private async hostAnswered(host: string, answers: HostAnswer[]): Promise<boolean[]> {
    const politeness = this.politeness.politenessFor(host)
    const throttle = politeness.autoThrottle ? politeness : null
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const now = Date.now()
      const seen: { before?: HostClockDoc; answered?: AnsweredClock } = {}
      const written = await this.hostClocks.update(host, (doc) => {
        const answered = applyAnswers(doc, answers, now, throttle)
        Object.assign(seen, { before: doc, answered })
        return clockChanged(doc, answered.clock) ? { doc: answered.clock, result: true } : null
      })
      const { before, answered } = seen
      if (before === undefined || answered === undefined) continue
      // Declined: nothing to write (pages served by a host with no run of refusals).
      if (written === null && !clockChanged(before, answered.clock)) return answered.refused
      if (written === null) continue // Another coordinator wrote first: apply to its result.
      if (answered.clock.pausedUntil !== before.pausedUntil || answered.clock.blocked !== before.blocked)
        this.options.logger.warn(
          answered.clock.blocked ? 'Host blocked: it keeps refusing' : 'Host refused; paused for every crawl',
          {
            host,
            pausedUntil: new Date(answered.clock.pausedUntil).toISOString(),
            refusals: answered.clock.refusals,
            reason: answered.clock.pauseReason
          }
        )
      return answered.refused
    }
    throw new Error(`Could not record what ${host} answered: its clock kept changing under us`)
  }

  /**
   * A single lookup obeys robots.txt as a crawl does: throws RobotsDisallowed (or
   * SourceUnavailable while the host's file cannot be read) unless the source ignores it.
   */
  async checkRobots(id: string, source: string = DEFAULT_SOURCE_NAME): Promise<void> {
    const url = this.pageUrlOf({ listingId: id, source })
    if (this.robotsGate === null || url === null) return
    const host = hostOf(url)
    // The last read of the sources serves while Elasticsearch is away (a lookup still answers then).
    await this.politeness.refresh().catch(() => {})
    // Before start the robots and hosts indices may not exist: a write would create them unmapped.
    await this.robotsGate.checkOne(host, url, this.politeness.politenessFor(host), this.started)
  }

  /** The page an item's fetch asks for (as the scraper builds it), or null for a source with no template. */
  private pageUrlOf(item: { listingId: string; source?: string | undefined }): string | null {
    const source = itemSource(item)
    const template =
      this.politeness.templateOfSource(source) ??
      (source === DEFAULT_SOURCE_NAME ? this.options.sources.template : undefined)
    if (template === undefined) return null
    try {
      return listingUrl(item.listingId, template)
    } catch {
      return null // an id the scraper will refuse (InvalidListingId) without fetching
    }
  }

  private async crawl(id: string): Promise<CrawlDoc> {
    const crawl = await this.crawls.get(id)
    if (crawl === null) throw crawlNotFound(id)
    return crawl
  }

  /** Looks for running crawls at the next tick, at once. */
  private wake(): void {
    this.wakes += 1
    this.idleUntil = 0
    this.schedule(0)
  }

  private schedule(delayMs: number): void {
    if (this.closed) return
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.ticking !== null) return this.schedule(50)
      this.ticking = this.tick()
        .catch((err: unknown) =>
          this.options.logger.warn('Crawl loop failed; retrying', {
            error: err instanceof Error ? err.message : String(err)
          })
        )
        .finally(() => {
          this.ticking = null
          this.schedule(this.options.tickMs ?? 500)
        })
    }, delayMs)
  }

  private async tick(): Promise<void> {
    const now = Date.now()
    if (now - this.announcer.lastAnnounce >= ANNOUNCE_EVERY_MS) await this.announcer.announce()
    const idle = now < this.idleUntil
    const wakes = this.wakes
    const running = idle ? [] : await this.crawls.list(['running'], 1000)
    if (!idle && wakes === this.wakes) this.idleUntil = running.length === 0 ? now + IDLE_LOOK_EVERY_MS : 0
    if (running.length > 0) await this.politeness.refresh()
    await this.dispatcher.dispatch(running.map((c) => c.id))
    if (now - this.lastStaleCheck >= STALE_CHECK_EVERY_MS) {
      // The first pass of a new coordinator publishes at once what the last one left unconfirmed.
      await this.dispatcher.republishUnconfirmed(this.lastStaleCheck === 0 ? 0 : undefined)
      this.lastStaleCheck = now
      await this.dispatcher.expireStale()
    }
    await this.finishDone(running.filter((c) => !c.ingesting))
  }

  /** A running crawl with nothing queued or in flight is done. */
  private async finishDone(crawls: CrawlDoc[]): Promise<void> {
    let finished = false
    for (const summary of await this.stats.summaries(crawls)) {
      if (summary.queued + summary.scraping > 0) continue
      // Read at the tick's start: a cancel since then also leaves nothing queued, and stays cancelled.
      const crawl = await this.crawls.get(summary.id)
      if (crawl?.state !== 'running') continue
      finished = true
      const gone = await sweepGone(crawl, this.registry, this.items)
      // A crawl seen done has its gone listings counted.
      if (gone > 0) await this.items.refresh()
      const at = new Date().toISOString()
      if (!(await this.crawls.updateIf(summary.id, ['running'], { state: 'done', finishedAt: at, updatedAt: at })))
        continue
      this.options.logger.info('Crawl done', {
        id: summary.id,
        total: summary.total,
        done: summary.done,
        failed: summary.failed,
        skipped: summary.skipped,
        gone
      })
    }
    // A finished crawl's statistics are stored whole at once, not at the next checkpoint.
    if (finished) await this.httpStats.checkpoint()
  }
}

function parseCursor(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor))
    throw new CrawlError(
      'InvalidCrawl',
      `Not a cursor: "${cursor.slice(0, 40)}"`,
      'Pass back the nextCursor of the previous page.'
    )
  return Number(cursor)
}
