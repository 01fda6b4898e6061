/**
 * Ships a process's log lines to the stack's Elasticsearch: lines wait in a bounded buffer
 * and go in `_bulk` requests (at most `batchLines` a request, one request at a time, every
 * `flushMs` or sooner when a batch is full), each into the index of its day. Losing the
 * store never slows the process that logs: `push` only appends to the buffer (or counts the
 * line as dropped when the buffer is full), every request has a deadline, and a failed batch
 * stays at the head of the buffer to be sent again after a backoff. So lines written while
 * the store is down are shipped once it is back, up to `maxBufferedLines`; lines beyond
 * that are dropped, counted, and the count is itself logged once shipping works again.
 */
import { logIndexName } from '../../shared/log-record'
import type { Logger } from '../log'
import { esEndpoint, esRequest } from './es-http'
import type { EsEndpoint } from './es-http'
import { logIndexTemplate, logIndexTemplateName } from './log-index-template'

export interface LogShipperOptions {
  elasticsearchUrl: string
  indexPrefix: string
  /** Lines held while the store is slow or down; past it new lines are dropped (counted). Default 20 000. */
  maxBufferedLines?: number
  /** Lines per bulk request. Default 500. */
  batchLines?: number
  /** How long a line may wait for a batch to fill. Default 1000 ms. */
  flushMs?: number
  /** Deadline of one request. Default 5000 ms. */
  requestTimeoutMs?: number
  /** First wait after a failure, doubled up to 30 s. Default 1000 ms. */
  retryMs?: number
  /** Where the shipper says it dropped lines (its own lines come back through push). */
  logger: Logger
  /** A line about the store's state for stderr only (never shipped, so it cannot loop). */
  report?: (text: string) => void
}

export interface LogShipperStats {
  shipped: number
  /** Lines not kept: the buffer was full, or the store refused them (a mapping conflict). */
  dropped: number
  buffered: number
  /** The last failure, or null once a request succeeded. */
  lastError: string | null
}

interface BulkAnswer {
  errors?: boolean
  items?: { create?: { status: number; error?: { type?: string; reason?: string } } }[]
}

const MAX_RETRY_MS = 30_000

export class LogShipper {
  private readonly endpoint: EsEndpoint
  private readonly maxBuffered: number
  private readonly batchLines: number
  private readonly flushMs: number
  private readonly timeoutMs: number
  private readonly retryMs: number
  private buffer: string[] = []
  private timer: NodeJS.Timeout | null = null
  private sending: Promise<void> | null = null
  private templateReady = false
  private failures = 0
  private seq = 0
  private unreportedDrops = 0
  private stopped = false
  private readonly counts: LogShipperStats = { shipped: 0, dropped: 0, buffered: 0, lastError: null }

  constructor(private readonly options: LogShipperOptions) {
    this.endpoint = esEndpoint(options.elasticsearchUrl)
    this.maxBuffered = options.maxBufferedLines ?? 20_000
    this.batchLines = options.batchLines ?? 500
    this.flushMs = options.flushMs ?? 1000
    this.timeoutMs = options.requestTimeoutMs ?? 5000
    this.retryMs = options.retryMs ?? 1000
  }

  /** One line as the logger wrote it (a JSON object, no newline). Never blocks, never throws. */
  push(line: string): void {
    if (this.stopped) return
    if (this.buffer.length >= this.maxBuffered) {
      this.counts.dropped += 1
      this.unreportedDrops += 1
      return
    }
    this.buffer.push(line)
    if (this.buffer.length >= this.batchLines) this.schedule(0)
    else this.schedule(this.flushMs)
  }

  stats(): LogShipperStats {
    return { ...this.counts, buffered: this.buffer.length }
  }

  /** Sends what is buffered, for at most `deadlineMs`; what is left then stays buffered. */
  async flush(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs
    while (this.buffer.length > 0 && Date.now() < deadline) {
      if (this.timer !== null) clearTimeout(this.timer)
      this.timer = null
      const round = this.sending ?? this.send()
      const ok = await Promise.race([
        round.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), Math.max(0, deadline - Date.now())).unref())
      ])
      if (!ok || this.counts.lastError !== null) break
    }
  }

  /** A last flush within `deadlineMs`, then nothing more is taken or sent. */
  async stop(deadlineMs = 2000): Promise<void> {
    await this.flush(deadlineMs)
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.sending !== null) return
    if (this.timer !== null) {
      if (delayMs > 0) return
      clearTimeout(this.timer)
    }
    this.timer = setTimeout(() => {
      this.timer = null
      void this.send()
    }, delayMs)
    // Shipping alone never keeps a process alive; its exit path flushes (stop).
    this.timer.unref()
  }

  private send(): Promise<void> {
    this.sending ??= this.sendBatch().finally(() => {
      this.sending = null
      if (this.buffer.length === 0 || this.stopped) return
      if (this.failures === 0) this.schedule(this.buffer.length >= this.batchLines ? 0 : this.flushMs)
      else this.schedule(Math.min(MAX_RETRY_MS, this.retryMs * 2 ** (this.failures - 1)))
    })
    return this.sending
  }

  private async sendBatch(): Promise<void> {
    const batch = this.buffer.slice(0, this.batchLines)
    if (batch.length === 0) return
    try {
      if (!this.templateReady) await this.putTemplate()
      const answer = await esRequest<BulkAnswer>(this.endpoint, 'POST', '/_bulk', {
        ndjson: this.bulkBody(batch),
        timeoutMs: this.timeoutMs
      })
      const retry = this.settle(batch, answer)
      this.buffer.splice(0, batch.length, ...retry)
      if (this.failures > 0 || this.counts.lastError !== null)
        this.options.report?.(`log store reachable again; ${this.buffer.length} lines left to ship`)
      this.failures = 0
      this.counts.lastError = null
      this.reportDrops()
    } catch (err) {
      this.failures += 1
      const message = err instanceof Error ? err.message : String(err)
      if (this.counts.lastError === null)
        this.options.report?.(`log store unreachable; lines are kept (up to ${this.maxBuffered}): ${message}`)
      this.counts.lastError = message
    }
  }

  /** The lines of a batch to send again (those refused as too many requests); the others are shipped or dropped. */
  private settle(batch: string[], answer: BulkAnswer): string[] {
    if (answer.errors !== true) {
      this.counts.shipped += batch.length
      return []
    }
    const retry: string[] = []
    ;(answer.items ?? []).forEach((item, i) => {
      const status = item.create?.status ?? 500
      if (status < 300) this.counts.shipped += 1
      else if (status === 429) retry.push(batch[i]!)
      else {
        this.counts.dropped += 1
        this.unreportedDrops += 1
      }
    })
    return retry
  }

  private bulkBody(batch: string[]): string {
    let body = ''
    for (const line of batch) {
      // `{"time":"2026-12-07T…"`: the line's own day picks its index.
      const time = new Date(line.slice(9, 33))
      const index = logIndexName(this.options.indexPrefix, Number.isNaN(time.getTime()) ? new Date() : time)
      this.seq += 1
      // logSeq orders the lines of one replica written within the same millisecond.
      body += `{"create":{"_index":"${index}"}}\n${line.slice(0, -1)},"logSeq":${this.seq}}\n`
    }
    return body
  }

  private async putTemplate(): Promise<void> {
    const prefix = this.options.indexPrefix
    await esRequest(this.endpoint, 'PUT', `/_index_template/${encodeURIComponent(logIndexTemplateName(prefix))}`, {
      body: logIndexTemplate(prefix),
      timeoutMs: this.timeoutMs
    })
    this.templateReady = true
  }

  private reportDrops(): void {
    if (this.unreportedDrops === 0) return
    const dropped = this.unreportedDrops
    this.unreportedDrops = 0
    this.options.logger.warn('log lines dropped: the log store was unreachable or refused them', {
      dropped,
      droppedTotal: this.counts.dropped
    })
  }
}
