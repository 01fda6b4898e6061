/**
 * Each host's load as the crawl ledger tells it, in one aggregation over the items: fetches
 * running now and fetch starts over the last minute (by the slot each dispatch went with, or
 * its dispatch where there are no slots), and the work the running crawls still have per
 * source (an item's host is set only when it is dispatched; its source always is).
 */
import type { Client, estypes } from '@elastic/elasticsearch'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'

export interface LedgerHostLoad {
  /** Per host: items being fetched now, and fetch starts over the last minute. */
  hosts: Map<string, { inFlight: number; lastMinute: number }>
  /** Per source: items of the running crawls queued or being scraped. */
  remainingBySource: Map<string, number>
}

type Bucket = { key: string | number; doc_count: number } & Record<string, unknown>

export class HostLoads {
  constructor(
    private readonly client: Client,
    private readonly itemsIndex: string
  ) {}

  async read(runningCrawlIds: readonly string[], now = Date.now()): Promise<LedgerHostLoad> {
    const minuteAgo = { gte: now - 60_000, lte: now, format: 'epoch_millis' }
    const startedLastMinute: estypes.QueryDslQueryContainer = {
      bool: {
        should: [
          { range: { slotAt: minuteAgo } },
          { bool: { must_not: { exists: { field: 'slotAt' } }, filter: { range: { dispatchedAt: minuteAgo } } } }
        ],
        minimum_should_match: 1
      }
    }
    const fetchingNow: estypes.QueryDslQueryContainer = {
      bool: {
        filter: { term: { state: 'scraping' } },
        should: [
          { range: { slotAt: { lte: now, format: 'epoch_millis' } } },
          { bool: { must_not: { exists: { field: 'slotAt' } } } }
        ],
        minimum_should_match: 1
      }
    }
    const res = await this.client.search({
      index: this.itemsIndex,
      size: 0,
      ignore_unavailable: true,
      aggs: {
        hosts: {
          terms: { field: 'host', size: 1000 },
          aggs: { inFlight: { filter: fetchingNow }, lastMinute: { filter: startedLastMinute } }
        },
        open: {
          filter: {
            bool: {
              filter: [{ terms: { crawlId: [...runningCrawlIds] } }, { terms: { state: ['queued', 'scraping'] } }]
            }
          },
          aggs: { sources: { terms: { field: 'source', missing: DEFAULT_SOURCE_NAME, size: 1000 } } }
        }
      }
    })
    const aggs = res.aggregations as Record<string, { buckets?: Bucket[] } & Record<string, unknown>> | undefined
    const count = (b: Bucket, name: string): number => (b[name] as { doc_count?: number } | undefined)?.doc_count ?? 0
    const hosts = new Map(
      (aggs?.['hosts']?.buckets ?? []).map((b) => [
        String(b.key),
        { inFlight: count(b, 'inFlight'), lastMinute: count(b, 'lastMinute') }
      ])
    )
    const open = aggs?.['open']?.['sources'] as { buckets?: Bucket[] } | undefined
    const remainingBySource = new Map((open?.buckets ?? []).map((b) => [String(b.key), b.doc_count]))
    return { hosts, remainingBySource }
  }
}
