/**
 * The cache as a lookup sees it: reads and writes that never hang on a down Elasticsearch.
 * After a failure the cache counts as unavailable (reads are skipped at once instead of
 * waiting for a timeout each) and a recovery loop probes with backoff; when Elasticsearch
 * answers again it flushes the writes that failed meanwhile, so none is silently lost.
 */
import { describeEsError, isTransientEsError } from './elasticsearch-client'
import { answerOfSource } from './listing-answer'
import type { CachedAnswer } from './listing-answer'
import type { CachedListing, ListingDocument } from './listing-document'
import type { ListingRepository } from './listing-repository'
import type { ListingSourceReader } from './listing-source-reader'
import { PendingWrites } from './pending-writes'
import { backoffDelay } from './backoff'
import { silentLogger } from '../log'
import type { Logger } from '../log'

export class CacheUnavailable extends Error {
  override name = 'CacheUnavailable'
}

export interface ListingCacheOptions {
  /** Most listings kept for a retry while Elasticsearch is down. Default 1000. */
  pendingCapacity?: number
  /** First retry delay; doubles up to retryMaxMs. Defaults 500 and 15000. */
  retryBaseMs?: number
  retryMaxMs?: number
  logger?: Logger
}

export interface CacheStatus {
  index: string
  available: boolean
  pendingWrites: number
  /** Pending writes pushed out by newer ones when the queue was full (each one logged). */
  evictedWrites: number
  /** Writes Elasticsearch refused for good (each one logged). */
  rejectedWrites: number
  lastError: string | null
}

export type WriteOutcome = 'stored' | 'pending' | 'rejected'

const FLUSH_BATCH = 100

export class ListingCache {
  private available = true
  private lastError: string | null = null
  private rejectedWrites = 0
  private readonly pending: PendingWrites
  private readonly retryBaseMs: number
  private readonly retryMaxMs: number
  private readonly logger: Logger
  private retryTimer: NodeJS.Timeout | null = null
  private retryAttempt = 0
  private recovering: Promise<void> | null = null
  private closed = false

  constructor(
    readonly repository: ListingRepository,
    /** The hot read: a cached listing's bytes, past the official client. */
    private readonly reader: ListingSourceReader,
    options: ListingCacheOptions = {}
  ) {
    this.pending = new PendingWrites(options.pendingCapacity ?? 1000)
    this.retryBaseMs = options.retryBaseMs ?? 500
    this.retryMaxMs = options.retryMaxMs ?? 15_000
    this.logger = options.logger ?? silentLogger
  }

  /** Creates the index if needed. Never throws: a down Elasticsearch starts the recovery loop. */
  async start(): Promise<void> {
    try {
      await this.repository.ensureIndex()
      this.available = true
    } catch (err) {
      this.markDown(err)
    }
  }

  /** A cached listing, null on a miss; throws CacheUnavailable if the cache cannot be read. */
  read(id: string): Promise<CachedListing | null> {
    return this.guarded(() => this.repository.get(id))
  }

  /** A cached listing as the API answers it (its JSON bytes), null on a miss; throws as read() does. */
  readAnswer(id: string): Promise<CachedAnswer | null> {
    return this.guarded(async () => {
      const source = await this.reader.read(id)
      return source === null ? null : answerOfSource(source)
    })
  }

  /** Stores a listing now, or queues it for when Elasticsearch is back. Never throws. */
  async write(doc: ListingDocument): Promise<WriteOutcome> {
    if (this.available) {
      try {
        await this.repository.put(doc)
        this.pending.settle(doc)
        return 'stored'
      } catch (err) {
        if (!isTransientEsError(err)) {
          this.reject(doc, describeEsError(err))
          return 'rejected'
        }
        this.markDown(err)
      }
    }
    this.enqueue(doc)
    return 'pending'
  }

  status(): CacheStatus {
    return {
      index: this.repository.index,
      available: this.available,
      pendingWrites: this.pending.size,
      evictedWrites: this.pending.evicted,
      rejectedWrites: this.rejectedWrites,
      lastError: this.lastError
    }
  }

  /** Runs a recovery attempt now instead of waiting for the backoff timer; resolves when it ends. */
  async retryNow(): Promise<void> {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
    await this.recover()
  }

  /** Stops retrying. Writes still pending are logged: they die with the process. */
  async close(): Promise<void> {
    this.closed = true
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
    await this.recovering
    if (this.pending.size > 0) {
      this.logger.error('Closing the listing cache with writes still pending', {
        pendingWrites: this.pending.size,
        ids: this.pending.peek(20).map((doc) => doc.ID)
      })
    }
  }

  /** Skips a cache known to be down; a read that fails marks it down. */
  private async guarded<T>(read: () => Promise<T>): Promise<T> {
    if (!this.available) throw new CacheUnavailable(this.lastError ?? 'Elasticsearch is unavailable')
    try {
      return await read()
    } catch (err) {
      this.markDown(err)
      throw new CacheUnavailable(describeEsError(err), { cause: err })
    }
  }

  private enqueue(doc: ListingDocument): void {
    const evicted = this.pending.add(doc)
    if (evicted !== undefined) {
      this.logger.error('Pending-writes queue full: dropped the oldest pending listing', {
        id: evicted.ID,
        capacity: this.pending.capacity,
        evictedWrites: this.pending.evicted
      })
    }
    this.scheduleRetry()
  }

  private reject(doc: ListingDocument, reason: string): void {
    this.rejectedWrites += 1
    this.pending.settle(doc)
    this.logger.error('Elasticsearch refused a listing; not retrying', { id: doc.ID, reason })
  }

  private markDown(err: unknown): void {
    const message = describeEsError(err)
    if (this.available) this.logger.warn('Elasticsearch unavailable; lookups go to the scraper', { error: message })
    this.available = false
    this.lastError = message
    this.scheduleRetry()
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer !== null || this.recovering !== null) return
    const delay = backoffDelay(this.retryAttempt, this.retryBaseMs, this.retryMaxMs)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      void this.recover()
    }, delay)
    this.retryTimer.unref()
  }

  /** Probes Elasticsearch (re-creating the index if it vanished), then flushes pending writes. */
  private recover(): Promise<void> {
    if (this.recovering !== null) return this.recovering
    this.recovering = (async () => {
      try {
        await this.repository.ensureIndex()
        if (!this.available) this.logger.info('Elasticsearch is back', { pendingWrites: this.pending.size })
        this.available = true
        await this.flush()
        this.retryAttempt = 0
        this.lastError = null
      } catch (err) {
        this.available = false
        this.lastError = describeEsError(err)
        this.retryAttempt += 1
        this.logger.debug('Elasticsearch still unavailable', {
          error: this.lastError,
          pendingWrites: this.pending.size
        })
      } finally {
        this.recovering = null
      }
      if (!this.available || this.pending.size > 0) this.scheduleRetry()
    })()
    return this.recovering
  }

  private async flush(): Promise<void> {
    while (this.pending.size > 0 && !this.closed) {
      const batch = this.pending.peek(FLUSH_BATCH)
      const outcome = await this.repository.putMany(batch)
      for (const doc of outcome.stored) this.pending.settle(doc)
      for (const { doc, reason } of outcome.rejected) this.reject(doc, reason)
      if (outcome.stored.length > 0)
        this.logger.info('Flushed pending listing writes', { stored: outcome.stored.length, left: this.pending.size })
      if (outcome.failed.length > 0)
        throw new Error(`Elasticsearch could not take ${outcome.failed.length} pending writes yet`)
    }
  }
}
