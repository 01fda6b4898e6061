/**
 * Crawl control on the bus: the crawl coordinator announces, every ~2 s on the fanout
 * exchange `crawl-control`, which of its crawls are cancelled or paused; each scraper's RPC
 * server listens (through its `beforeHandle` hook) and answers requests of those crawls (header `x-crawl-id`) at once with a
 * CrawlCancelled / CrawlPaused error instead of fetching, so requests already queued are
 * not scraped. Requests without the header (single lookups, Nameko callers) are untouched.
 * Each announcement is its coordinator's whole set and replaces the last one, so a resume
 * takes effect at the next announcement; a set expires if not repeated (coordinator gone).
 * An announcement also carries every registered source (shared/source.ts): that is how
 * scrapers learn sources at run time, with no restart and no store of their own.
 */
import { z } from 'zod'
import { connectRecovering } from '../rpc/connection'
import type { WireError } from '../rpc/wire'
import type { Logger } from '../log'
import { AnnouncedSourceSchema } from '../../shared/source'
import type { AnnouncedSource } from '../../shared/source'

export const CRAWL_CONTROL_EXCHANGE = 'crawl-control'
export const CRAWL_ID_HEADER = 'x-crawl-id'
/** Set by a scraper on every reply (crawlReplyHeaders): which replica (its hostname) answered, and its handler's time. */
export const REPLICA_HEADER = 'x-scrapedeck-replica'
export const TOOK_MS_HEADER = 'x-scrapedeck-took-ms'
export const CRAWL_CANCELLED = 'CrawlCancelled'
export const CRAWL_PAUSED = 'CrawlPaused'
/** How long an announcement holds; the coordinator repeats it well within. */
export const CONTROL_TTL_MS = 10_000
/** Crawls one announcement may name: bounds a listener's memory. */
export const MAX_CONTROLLED_CRAWLS = 5000
/** Sources one announcement may name. */
const MAX_ANNOUNCED_SOURCES = 1000

const ControlAnnouncementSchema = z.object({
  coordinator: z.string().max(200),
  ttlMs: z.number().int().positive().max(600_000),
  crawls: z.record(z.string().max(64), z.enum(['cancelled', 'paused'])),
  /** Every registered source; absent from coordinators that keep none. */
  sources: z.array(AnnouncedSourceSchema).max(MAX_ANNOUNCED_SOURCES).optional(),
  /**
   * The scraper service the sources are for: only its listeners take them. The fanout reaches
   * every scraper on the broker, and two stacks (or test runs) sharing one broker each have
   * their own sources, a "jobboard" of their own among them.
   */
  service: z.string().max(255).optional()
})
export type ControlAnnouncement = z.infer<typeof ControlAnnouncementSchema>

/** The scraper side: holds the latest announcement of each coordinator. */
export class CrawlControlListener {
  private readonly sets = new Map<string, { crawls: Map<string, 'cancelled' | 'paused'>; expiresAt: number }>()
  /** The sources of the latest announcement that carried them: every coordinator reads the same store, so the latest is the newest. */
  private sources: { byName: Map<string, AnnouncedSource>; expiresAt: number } | null = null
  private connection: { close(): Promise<void> } | null = null

  constructor(
    private readonly options: {
      amqpUri: string
      logger: Logger
      connectionName?: string
      /** This scraper's service: it takes the sources announced for it alone. */ service?: string
    }
  ) {}

  async start(): Promise<void> {
    this.connection = await connectRecovering({
      amqpUri: this.options.amqpUri,
      connectionName: this.options.connectionName ?? 'scrapedeck-crawl-control',
      logger: this.options.logger,
      initialRetries: 30,
      setup: async (model) => {
        const channel = await model.createChannel()
        await channel.assertExchange(CRAWL_CONTROL_EXCHANGE, 'fanout', { durable: true, autoDelete: false })
        const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false })
        await channel.bindQueue(queue, CRAWL_CONTROL_EXCHANGE, '')
        await channel.consume(queue, (msg) => msg !== null && this.take(msg.content), { noAck: true })
      },
      onDisconnect: () => {}
    })
  }

  async stop(): Promise<void> {
    await this.connection?.close()
    this.connection = null
  }

  /** Applies one announcement (exposed for the unit test). */
  take(content: Buffer): void {
    let parsed: ControlAnnouncement
    try {
      parsed = ControlAnnouncementSchema.parse(JSON.parse(content.toString('utf8')))
    } catch (err) {
      this.options.logger.warn('Ignoring a malformed crawl-control announcement', { error: (err as Error).message })
      return
    }
    const entries = Object.entries(parsed.crawls).slice(0, MAX_CONTROLLED_CRAWLS)
    this.sets.set(parsed.coordinator, { crawls: new Map(entries), expiresAt: Date.now() + parsed.ttlMs })
    if (parsed.sources !== undefined && parsed.service !== undefined && parsed.service === this.options.service) {
      this.sources = {
        byName: new Map(parsed.sources.map((source) => [source.name, source])),
        expiresAt: Date.now() + parsed.ttlMs
      }
    }
    if (this.sets.size > 100) this.dropExpired()
  }

  /** The error to answer a request with instead of running it, or null to run it. */
  screen(headers: Record<string, unknown> | undefined): WireError | null {
    const crawlId = headers?.[CRAWL_ID_HEADER]
    if (typeof crawlId !== 'string' || this.sets.size === 0) return null
    const now = Date.now()
    for (const set of this.sets.values()) {
      if (set.expiresAt < now) continue
      const state = set.crawls.get(crawlId)
      if (state === undefined) continue
      const excType = state === 'cancelled' ? CRAWL_CANCELLED : CRAWL_PAUSED
      const value = `Crawl ${crawlId} is ${state}; not scraped`
      return { exc_type: excType, exc_path: `scrapedeck.crawler.${excType}`, exc_args: [value], value }
    }
    return null
  }

  /** The registered sources by name, or null when no coordinator has announced them lately. */
  announcedSources(): ReadonlyMap<string, AnnouncedSource> | null {
    if (this.sources === null || this.sources.expiresAt < Date.now()) return null
    return this.sources.byName
  }

  private dropExpired(): void {
    const now = Date.now()
    for (const [key, set] of this.sets) if (set.expiresAt < now) this.sets.delete(key)
  }
}

/**
 * The crawl side of a scraper's RPC server (its `beforeHandle` and `replyHeaders` hooks):
 * requests of cancelled or paused crawls are refused, and every reply says which replica
 * answered and how long its handler took, which a crawl records per item.
 */
export function crawlServerHooks(
  control: Pick<CrawlControlListener, 'screen'>,
  replica: string
): {
  beforeHandle: (headers: Record<string, unknown> | undefined) => WireError | null
  replyHeaders: (tookMs: number) => Record<string, string>
} {
  return {
    beforeHandle: (headers) => control.screen(headers),
    replyHeaders: (tookMs) => crawlReplyHeaders(replica, tookMs)
  }
}

export function crawlReplyHeaders(replica: string, tookMs: number): Record<string, string> {
  return { [REPLICA_HEADER]: replica, [TOOK_MS_HEADER]: String(tookMs) }
}
