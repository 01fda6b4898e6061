/**
 * A crawl's change report, read from its items: each finished item (done, failed, skipped)
 * has one kind, so the counts add up to those items. An item finished without a recorded kind
 * (skipped by the listings cache or robots.txt, failed by the stale deadline) counts by its
 * state: failed is `failed`, the rest `unchanged` (nothing said it changed).
 */
import type { estypes } from '@elastic/elasticsearch'
import { CHANGE_KINDS, LISTED_CHANGE_KINDS } from '../../../shared/crawl-changes'
import type { ChangeKind, CrawlChange, CrawlChangeCounts, CrawlChangesPage } from '../../../shared/crawl-changes'
import type { ItemStore } from '../item-store'
import { itemSource } from '../ledger-docs'
import type { ItemDoc } from '../ledger-docs'

const FINISHED_STATES = ['done', 'failed', 'skipped']
const NO_KIND = '_none'

type Aggs = Record<string, estypes.AggregationsAggregate | undefined>
type Bucket = { key: string | number; doc_count: number } & Record<string, unknown>

/** The aggregation to put beside a crawl's state counts. */
export function changeCountsAgg(): Record<string, estypes.AggregationsAggregationContainer> {
  return {
    changes: {
      filter: { terms: { state: FINISHED_STATES } },
      aggs: {
        kinds: {
          terms: { field: 'change', missing: NO_KIND, size: CHANGE_KINDS.length + 1 },
          aggs: { failed: { filter: { term: { state: 'failed' } } } }
        }
      }
    }
  }
}

export function changeCountsOf(aggs: Aggs | undefined): CrawlChangeCounts {
  const counts: CrawlChangeCounts = { new: 0, changed: 0, unchanged: 0, gone: 0, failed: 0 }
  const kinds = (aggs?.['changes'] as Aggs | undefined)?.['kinds'] as { buckets?: Bucket[] } | undefined
  for (const bucket of Array.isArray(kinds?.buckets) ? kinds.buckets : []) {
    const key = String(bucket.key)
    if ((CHANGE_KINDS as readonly string[]).includes(key)) counts[key as ChangeKind] += bucket.doc_count
    else if (key === NO_KIND) {
      const failed = (bucket['failed'] as { doc_count?: number } | undefined)?.doc_count ?? 0
      counts.failed += failed
      counts.unchanged += bucket.doc_count - failed
    }
  }
  return counts
}

/** A kind as a query, items without a recorded kind counted by their state. */
function kindQuery(kind: ChangeKind): estypes.QueryDslQueryContainer {
  const recorded: estypes.QueryDslQueryContainer = { term: { change: kind } }
  if (kind !== 'failed' && kind !== 'unchanged') return recorded
  const states = kind === 'failed' ? ['failed'] : ['done', 'skipped']
  return {
    bool: {
      should: [
        recorded,
        { bool: { filter: [{ terms: { state: states } }], must_not: [{ exists: { field: 'change' } }] } }
      ],
      minimum_should_match: 1
    }
  }
}

/** The items of a crawl's report: one kind, or every listed kind; `q` matches words of the title or company, or the id. */
function changesQuery(crawlId: string, kind: ChangeKind | undefined, q: string | undefined) {
  const kinds = kind === undefined ? LISTED_CHANGE_KINDS : [kind]
  const filter: estypes.QueryDslQueryContainer[] = [
    { term: { crawlId } },
    { terms: { state: FINISHED_STATES } },
    { bool: { should: kinds.map(kindQuery), minimum_should_match: 1 } }
  ]
  const text = q?.trim() ?? ''
  const must: estypes.QueryDslQueryContainer[] =
    text === ''
      ? []
      : [
          {
            bool: {
              should: [
                { term: { listingId: text } },
                { multi_match: { query: text, fields: ['title', 'company'], operator: 'and' } }
              ],
              minimum_should_match: 1
            }
          }
        ]
  return { bool: { filter, must } } satisfies estypes.QueryDslQueryContainer
}

/** The report's row for an item. */
function changeOf(doc: ItemDoc): CrawlChange {
  const kind: ChangeKind = doc.change ?? (doc.state === 'failed' ? 'failed' : 'unchanged')
  return {
    source: itemSource(doc),
    listingId: doc.listingId,
    kind,
    title: doc.title ?? null,
    company: doc.company ?? null,
    fields: doc.changedFields ?? [],
    reason: doc.changeReason ?? (kind === 'failed' ? (doc.errorMessage ?? doc.errorKind) : null)
  }
}

/** A page of a crawl's report, by seq after `after`; `counts` as its summary has them. */
export async function changesPage(
  items: ItemStore,
  crawlId: string,
  counts: CrawlChangeCounts | undefined,
  query: { kind?: ChangeKind; q?: string; after?: number | undefined; limit: number }
): Promise<CrawlChangesPage> {
  const after = query.after === undefined ? undefined : [query.after, crawlId]
  const page = await items.search(changesQuery(crawlId, query.kind, query.q), query.limit, after)
  const last = page.at(-1)
  return {
    counts: counts ?? { new: 0, changed: 0, unchanged: 0, gone: 0, failed: 0 },
    changes: page.map(({ doc }) => changeOf(doc)),
    nextCursor: page.length === query.limit && last !== undefined ? String(last.doc.seq) : null
  }
}

/** Every row of the report's listed kinds, a page of the ledger at a time (the export). */
export async function* changeRows(items: ItemStore, crawlId: string): AsyncGenerator<CrawlChange> {
  for await (const page of items.scan(changesQuery(crawlId, undefined, undefined), 500))
    for (const { doc } of page) yield changeOf(doc)
}
