/**
 * Every number a crawl shows, as aggregations of the ledger: counts by state (so they always
 * add up to the total), the rate over the last 30 s, per-replica rates, per-host parts,
 * errors grouped by kind with example ids, and the 5 s timeline. A crawl's detail has the
 * politeness-aware ETA (src/shared/politeness-eta.ts): no sooner than its slowest host allows.
 */
import type { Client, estypes } from '@elastic/elasticsearch'
import { DEFAULT_SOURCE_NAME, sourceListingKey } from '../../shared/source'
import { politeEtaSeconds } from '../../shared/politeness-eta'
import {
  CRAWL_ITEM_STATES,
  CRAWL_RATE_WINDOW_SECONDS,
  CRAWL_TIMELINE_BUCKET_SECONDS,
  CRAWL_TIMELINE_SPAN_SECONDS
} from '../../shared/crawl'
import type {
  CrawlDetail,
  CrawlErrorGroup,
  CrawlHostStats,
  CrawlItemState,
  CrawlReplicaStats,
  CrawlSummary,
  CrawlTimelinePoint
} from '../../shared/crawl'
import type { CrawlDoc } from './ledger-docs'
import type { CrawlChangeCounts } from '../../shared/crawl-changes'
import { changeCountsAgg, changeCountsOf } from './changes/change-report'

export type Counts = Record<CrawlItemState, number>

/** A crawl's counts per source → its part per host (host-statuses.ts), with each host's limits and backoff. */
export type CrawlHostsOf = (countsBySource: ReadonlyMap<string, Counts>) => Promise<CrawlHostStats[]>
type Bucket = { key: string | number; doc_count: number } & Record<string, unknown>
type Aggs = Record<string, estypes.AggregationsAggregate | undefined>

const finished = (sinceMs: number): estypes.QueryDslQueryContainer => ({
  bool: {
    filter: [
      { terms: { state: ['done', 'failed'] } },
      { range: { finishedAt: { gte: sinceMs, format: 'epoch_millis' } } }
    ]
  }
})

export class CrawlStats {
  constructor(
    private readonly client: Client,
    private readonly itemsIndex: string,
    private readonly hostsOf?: CrawlHostsOf
  ) {}

  async summaries(crawls: CrawlDoc[], now = Date.now()): Promise<CrawlSummary[]> {
    if (crawls.length === 0) return []
    const res = await this.client.search({
      index: this.itemsIndex,
      size: 0,
      ignore_unavailable: true,
      query: { terms: { crawlId: crawls.map((c) => c.id) } },
      aggs: {
        crawls: {
          terms: { field: 'crawlId', size: crawls.length },
          aggs: {
            states: { terms: { field: 'state', size: CRAWL_ITEM_STATES.length } },
            recent: { filter: finished(now - CRAWL_RATE_WINDOW_SECONDS * 1000) },
            ...changeCountsAgg()
          }
        }
      }
    })
    const byCrawl = new Map(buckets(res.aggregations, 'crawls').map((b) => [String(b.key), b]))
    return crawls.map((crawl) => {
      const bucket = byCrawl.get(crawl.id) as Aggs | undefined
      return summaryOf(crawl, countsOf(bucket), docCount(bucket, 'recent'), changeCountsOf(bucket))
    })
  }

  async detail(crawl: CrawlDoc, now = Date.now()): Promise<CrawlDetail> {
    const rateSince = now - CRAWL_RATE_WINDOW_SECONDS * 1000
    const bucketMs = CRAWL_TIMELINE_BUCKET_SECONDS * 1000
    const timelineEnd = Math.floor(now / bucketMs) * bucketMs
    const timelineStart = timelineEnd - CRAWL_TIMELINE_SPAN_SECONDS * 1000 + bucketMs
    const res = await this.client.search({
      index: this.itemsIndex,
      size: 0,
      ignore_unavailable: true,
      query: { term: { crawlId: crawl.id } },
      aggs: {
        states: { terms: { field: 'state', size: CRAWL_ITEM_STATES.length } },
        recent: { filter: finished(rateSince) },
        ...changeCountsAgg(),
        sources: {
          terms: { field: 'source', missing: DEFAULT_SOURCE_NAME, size: 1000 },
          aggs: { states: { terms: { field: 'state', size: CRAWL_ITEM_STATES.length } } }
        },
        replicas: {
          terms: { field: 'replica', size: 100 },
          aggs: {
            states: { terms: { field: 'state', size: CRAWL_ITEM_STATES.length } },
            recent: { filter: finished(rateSince) }
          }
        },
        errors: {
          filter: { term: { state: 'failed' } },
          aggs: {
            kinds: {
              terms: { field: 'errorKind', size: 50 },
              aggs: {
                examples: {
                  top_hits: { size: 5, sort: [{ seq: 'asc' }], _source: ['listingId', 'source', 'errorMessage'] }
                }
              }
            }
          }
        },
        timeline: {
          filter: finished(timelineStart),
          aggs: {
            buckets: {
              date_histogram: {
                field: 'finishedAt',
                fixed_interval: `${CRAWL_TIMELINE_BUCKET_SECONDS}s`,
                min_doc_count: 0,
                extended_bounds: { min: timelineStart, max: timelineEnd }
              }
            }
          }
        }
      }
    })
    const aggs = res.aggregations as Aggs | undefined
    const summary = summaryOf(crawl, countsOf(aggs), docCount(aggs, 'recent'), changeCountsOf(aggs))
    const replicas: CrawlReplicaStats[] = buckets(aggs, 'replicas').map((b) => {
      const counts = countsOf(b as Aggs)
      return {
        replica: String(b.key),
        done: counts.done,
        failed: counts.failed,
        ratePerSecond: docCount(b, 'recent') / CRAWL_RATE_WINDOW_SECONDS
      }
    })
    const errorsAgg = aggs?.['errors'] as Aggs | undefined
    const errors: CrawlErrorGroup[] = buckets(errorsAgg, 'kinds').map((b) => {
      const hits = ((b['examples'] as estypes.AggregationsTopHitsAggregate | undefined)?.hits.hits ?? []).map(
        (hit) => (hit._source ?? {}) as { listingId?: string; source?: string; errorMessage?: string | null }
      )
      return {
        kind: String(b.key),
        count: b.doc_count,
        // `source:id` for a source other than the default: a crawl of several boards has the same id on each.
        exampleIds: hits.flatMap((h) => (h.listingId === undefined ? [] : [sourceListingKey(h.source, h.listingId)])),
        exampleMessage: hits[0]?.errorMessage ?? ''
      }
    })
    const completedAt = new Map(
      buckets(aggs?.['timeline'] as Aggs | undefined, 'buckets').map((b) => [Number(b.key), b.doc_count])
    )
    const timeline: CrawlTimelinePoint[] = []
    for (let at = timelineStart; at <= timelineEnd; at += bucketMs)
      timeline.push({ at: new Date(at).toISOString(), completed: completedAt.get(at) ?? 0 })
    const countsBySource = new Map(buckets(aggs, 'sources').map((b) => [String(b.key), countsOf(b as Aggs)]))
    const hosts = this.hostsOf === undefined ? [] : await this.hostsOf(countsBySource)
    const ended = crawl.state === 'done' || crawl.state === 'cancelled'
    const etaSeconds = ended
      ? null
      : politeEtaSeconds(
          summary.queued + summary.scraping,
          summary.ratePerSecond,
          hosts.map((h) => ({ host: h.host, remaining: h.waiting + h.scraping, allowedPerSecond: h.allowedPerSecond }))
        )
    return { ...summary, etaSeconds, replicas, hosts, errors, timeline }
  }
}

/** Items of every crawl by state, and the ones in flight by host: the metrics endpoint's gauges, in one search. */
export async function ledgerGauges(
  client: Client,
  itemsIndex: string
): Promise<{ states: Counts; scrapingByHost: Map<string, number> }> {
  const res = await client.search({
    index: itemsIndex,
    size: 0,
    ignore_unavailable: true,
    aggs: {
      states: { terms: { field: 'state', size: CRAWL_ITEM_STATES.length } },
      scraping: {
        filter: { term: { state: 'scraping' } },
        aggs: { hosts: { terms: { field: 'host', size: 1000 } } }
      }
    }
  })
  const aggs = res.aggregations as Aggs | undefined
  const hosts = buckets(aggs?.['scraping'] as Aggs | undefined, 'hosts')
  return { states: countsOf(aggs), scrapingByHost: new Map(hosts.map((b) => [String(b.key), b.doc_count])) }
}

function summaryOf(crawl: CrawlDoc, counts: Counts, recentFinished: number, changes: CrawlChangeCounts): CrawlSummary {
  const total = CRAWL_ITEM_STATES.reduce((sum, state) => sum + counts[state], 0)
  const ratePerSecond = recentFinished / CRAWL_RATE_WINDOW_SECONDS
  const remaining = counts.queued + counts.scraping
  const ended = crawl.state === 'done' || crawl.state === 'cancelled'
  return {
    id: crawl.id,
    name: crawl.name,
    state: crawl.state,
    source: crawl.source,
    ingesting: crawl.ingesting,
    ingestError: crawl.ingestError,
    refresh: crawl.refresh,
    maxAttempts: crawl.maxAttempts,
    total,
    ...counts,
    changes,
    ratePerSecond,
    etaSeconds: ended || ratePerSecond === 0 ? null : Math.round(remaining / ratePerSecond),
    createdAt: crawl.createdAt,
    updatedAt: crawl.updatedAt,
    finishedAt: crawl.finishedAt
  }
}

function countsOf(aggs: Aggs | undefined): Counts {
  const counts = Object.fromEntries(CRAWL_ITEM_STATES.map((state) => [state, 0])) as Counts
  for (const b of buckets(aggs, 'states')) {
    if ((CRAWL_ITEM_STATES as readonly string[]).includes(String(b.key))) counts[b.key as CrawlItemState] = b.doc_count
  }
  return counts
}

function buckets(aggs: Aggs | undefined, name: string): Bucket[] {
  const agg = aggs?.[name] as { buckets?: Bucket[] } | undefined
  return Array.isArray(agg?.buckets) ? agg.buckets : []
}

function docCount(aggs: unknown, name: string): number {
  return ((aggs as Aggs | undefined)?.[name] as { doc_count?: number } | undefined)?.doc_count ?? 0
}
