/**
 * Checkpoints the in-memory HTTP statistics (http-stats.ts) to `<prefix>-crawl-http-stats`:
 * every `everyMs` one bulk request indexes a document per crawl that changed, and close()
 * writes the last ones. A coordinator that dies loses what it counted since its last
 * checkpoint (at most `everyMs` of statistics); items are never at stake, they are in the
 * ledger. A crawl's statistics are the sum of all its documents (one per coordinator run).
 */
import type { Client } from '@elastic/elasticsearch'
import type { CrawlHttpStats } from '../../shared/crawl-http-stats'
import type { Logger } from '../log'
import { HttpStatsTally, mergeHostStats } from './http-stats'
import type { HttpStatsCheckpoint, ReplyObservation, StoredHostStats } from './http-stats'

export const DEFAULT_HTTP_STATS_CHECKPOINT_MS = 5000
/** A crawl's tally leaves memory this long after its last change was checkpointed. */
const EVICT_IDLE_MS = 15 * 60_000
const MAX_CHECKPOINTS_READ = 1000

interface StoredCheckpoint {
  crawlId: string
  coordinator: string
  hosts: StoredHostStats[]
  updatedAt: string
}

export class HttpStatsStore {
  private readonly tally: HttpStatsTally
  private timer: NodeJS.Timeout | null = null
  private writing: Promise<void> = Promise.resolve()

  constructor(
    private readonly es: Client,
    private readonly index: string,
    private readonly options: { coordinatorId: string; everyMs: number; logger: Logger }
  ) {
    this.tally = new HttpStatsTally(options.coordinatorId)
  }

  record(observation: ReplyObservation): void {
    this.tally.record(observation)
  }

  start(): void {
    if (this.timer !== null) return
    this.timer = setInterval(() => void this.checkpoint(), this.options.everyMs)
    this.timer.unref()
  }

  /** Writes the crawls that changed; a failed write keeps them for the next one. */
  checkpoint(): Promise<void> {
    this.writing = this.writing.then(() => this.writeDirty())
    return this.writing
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    await this.checkpoint()
  }

  async read(crawlId: string): Promise<CrawlHttpStats> {
    const res = await this.es.search<StoredCheckpoint>({
      index: this.index,
      size: MAX_CHECKPOINTS_READ,
      ignore_unavailable: true,
      query: { term: { crawlId } }
    })
    const mine = this.tally.current(crawlId)
    const parts: StoredHostStats[] = mine?.hosts ?? []
    let newest: string | null = null
    for (const hit of res.hits.hits) {
      if (hit._source === undefined) continue
      if (newest === null || hit._source.updatedAt > newest) newest = hit._source.updatedAt
      // This process's own checkpoint is older than what it holds.
      if (hit._id !== mine?.docId) parts.push(...hit._source.hosts)
    }
    return { hosts: mergeHostStats(parts), checkpointedAt: newest }
  }

  async remove(crawlId: string): Promise<void> {
    this.tally.forget(crawlId)
    await this.writing
    // Few documents per crawl (one per coordinator run): found and deleted by id.
    const res = await this.es.search({
      index: this.index,
      size: MAX_CHECKPOINTS_READ,
      ignore_unavailable: true,
      _source: false,
      query: { term: { crawlId } }
    })
    const ids = res.hits.hits.map((hit) => hit._id).filter((id): id is string => id !== undefined)
    if (ids.length > 0)
      await this.es.bulk({ operations: ids.map((id) => ({ delete: { _index: this.index, _id: id } })) })
  }

  private async writeDirty(): Promise<void> {
    const dirty = this.tally.takeDirty()
    if (dirty.length > 0) {
      try {
        await this.write(dirty)
      } catch (err) {
        for (const checkpoint of dirty) this.tally.markDirty(checkpoint.crawlId)
        this.options.logger.warn('Could not checkpoint crawl HTTP statistics; retrying', {
          crawls: dirty.length,
          error: err instanceof Error ? err.message : String(err)
        })
      }
    }
    this.tally.evictIdle(EVICT_IDLE_MS)
  }

  private async write(checkpoints: HttpStatsCheckpoint[]): Promise<void> {
    const updatedAt = new Date().toISOString()
    const res = await this.es.bulk({
      operations: checkpoints.flatMap((checkpoint) => [
        { index: { _index: this.index, _id: checkpoint.docId } },
        {
          crawlId: checkpoint.crawlId,
          coordinator: this.options.coordinatorId,
          hosts: checkpoint.hosts,
          updatedAt
        } satisfies StoredCheckpoint
      ])
    })
    if (res.errors) {
      const failed = res.items.filter((item) => item.index?.error !== undefined)
      throw new Error(`${failed.length} checkpoints refused: ${failed[0]?.index?.error?.reason ?? 'unknown reason'}`)
    }
  }
}
