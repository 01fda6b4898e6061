/**
 * The log store as the API reads and keeps it: search (log-query.ts) and retention. Old
 * days go first: an index older than `retentionDays` is deleted, then the oldest days
 * while all of them together are over `maxBytes` (today's is never deleted, so a burst
 * today cannot empty the store). Deleting whole daily indices is what makes retention cheap,
 * and what the index per day is for.
 */
import { logIndexPattern } from '../../shared/log-record'
import type { LogPage, LogQuery } from '../../shared/log-record'
import type { Logger } from '../log'
import { esEndpoint, esRequest } from './es-http'
import type { EsEndpoint } from './es-http'
import { logPageOf, logSearchBody } from './log-query'
import type { SearchAnswer } from './log-query'

export interface LogRetention {
  retentionDays: number
  maxBytes: number
}

export interface LogIndexSize {
  index: string
  bytes: number
}

/** The indices of `indices` to delete under `retention`, oldest first. */
export function indicesToDelete(
  prefix: string,
  indices: readonly LogIndexSize[],
  retention: LogRetention,
  now: Date
): string[] {
  const daily = indices
    .map((entry) => ({ ...entry, day: dayOf(prefix, entry.index) }))
    .filter((entry): entry is LogIndexSize & { day: number } => entry.day !== null)
    .sort((a, b) => a.day - b.day)
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  const oldestKept = today - (retention.retentionDays - 1) * 86_400_000
  const doomed: string[] = []
  let total = daily.reduce((sum, entry) => sum + entry.bytes, 0)
  for (const entry of daily) {
    if (entry.day >= today) break
    if (entry.day >= oldestKept && total <= retention.maxBytes) break
    doomed.push(entry.index)
    total -= entry.bytes
  }
  return doomed
}

function dayOf(prefix: string, index: string): number | null {
  const match = /^(\d{4})\.(\d{2})\.(\d{2})$/.exec(index.slice(`${prefix}-logs-`.length))
  if (!index.startsWith(`${prefix}-logs-`) || match === null) return null
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
}

export class LogStore {
  private readonly endpoint: EsEndpoint

  constructor(
    elasticsearchUrl: string,
    readonly prefix: string,
    private readonly timeoutMs = 10_000
  ) {
    this.endpoint = esEndpoint(elasticsearchUrl)
  }

  async search(query: LogQuery, now: Date = new Date()): Promise<LogPage> {
    const body = logSearchBody(query, now)
    const path = `/${encodeURIComponent(logIndexPattern(this.prefix))}/_search?ignore_unavailable=true&allow_no_indices=true`
    const answer = await esRequest<SearchAnswer>(this.endpoint, 'POST', path, { body, timeoutMs: this.timeoutMs })
    return logPageOf(answer, query.size)
  }

  async indexSizes(): Promise<LogIndexSize[]> {
    const rows = await esRequest<{ index: string; 'store.size': string | null }[]>(
      this.endpoint,
      'GET',
      `/_cat/indices/${encodeURIComponent(logIndexPattern(this.prefix))}?format=json&bytes=b&h=index,store.size`,
      { timeoutMs: this.timeoutMs }
    )
    return rows.map((row) => ({ index: row.index, bytes: Number(row['store.size'] ?? 0) }))
  }

  /** Applies the retention once; the indices deleted. */
  async sweep(retention: LogRetention, now: Date = new Date()): Promise<string[]> {
    const doomed = indicesToDelete(this.prefix, await this.indexSizes(), retention, now)
    for (const index of doomed)
      await esRequest(this.endpoint, 'DELETE', `/${encodeURIComponent(index)}`, { timeoutMs: this.timeoutMs })
    return doomed
  }

  /** Sweeps now and every `everyMs` until the returned stop is called; failures are logged and tried at the next round. */
  keep(retention: LogRetention, logger: Logger, everyMs = 3_600_000): () => void {
    const round = (): void => {
      this.sweep(retention).then(
        (deleted) => {
          if (deleted.length > 0) logger.info('log indices deleted by the retention', { indices: deleted })
        },
        (err: unknown) =>
          logger.warn('log retention could not run', { error: err instanceof Error ? err.message : String(err) })
      )
    }
    round()
    const timer = setInterval(round, everyMs)
    timer.unref()
    return () => clearInterval(timer)
  }
}
