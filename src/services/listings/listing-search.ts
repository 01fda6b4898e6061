/**
 * Full-text search over cached listings: ranked hits with highlights, filtered by facet
 * values, with terms aggregations for the skills/company/location facets.
 */
import { performance } from 'node:perf_hooks'
import type { estypes } from '@elastic/elasticsearch'
import {
  DEFAULT_SEARCH_PAGE_SIZE,
  ListingSearchOptionsSchema,
  MAX_SEARCH_QUERY_LENGTH
} from '../../shared/listing-search'
import type {
  FacetBucket,
  ListingSearchHit,
  ListingSearchOptions,
  ListingSearchResult
} from '../../shared/listing-search'
import { describeEsError, isTransientEsError } from './elasticsearch-client'
import { CacheUnavailable } from './listing-cache'
import { fromSource } from './listing-document'
import type { ListingRepository } from './listing-repository'

const FACET_SIZE = 20

/** The search request was malformed (bad page, too long a query…). */
export class InvalidSearch extends Error {
  override name = 'InvalidSearch'
}

/**
 * Elasticsearch could not run the search (down, slow, failing). Thrown by the listings layer
 * itself, so the API and the panel both see one kind, SearchUnavailable, rather than each
 * classifying the client's raw errors (ECONNREFUSED…) on its own. A CacheUnavailable (the
 * same Elasticsearch is not there), so whatever maps those by class maps this one too.
 */
export class SearchUnavailable extends CacheUnavailable {
  override name = 'SearchUnavailable'
}

export async function searchListings(
  repository: ListingRepository,
  query: string,
  options: ListingSearchOptions = {}
): Promise<ListingSearchResult> {
  const started = performance.now()
  const checked = ListingSearchOptionsSchema.safeParse(options)
  if (!checked.success)
    throw new InvalidSearch(
      checked.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')
    )
  const q = query.trim()
  if (q.length > MAX_SEARCH_QUERY_LENGTH)
    throw new InvalidSearch(`The query is longer than ${MAX_SEARCH_QUERY_LENGTH} characters`)
  const page = checked.data.page ?? 1
  const pageSize = checked.data.pageSize ?? DEFAULT_SEARCH_PAGE_SIZE

  const res = await repository.search(buildSearchRequest(q, checked.data, page, pageSize)).catch((err: unknown) => {
    if (isTransientEsError(err))
      throw new SearchUnavailable(`Elasticsearch cannot be searched right now (${describeEsError(err)})`, {
        cause: err
      })
    throw err
  })
  const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0)
  const hits: ListingSearchHit[] = []
  for (const hit of res.hits.hits) {
    const cached = fromSource(hit._source)
    if (cached === null) continue // an unreadable stored document: skipped rather than failing the page
    hits.push({
      listing: cached.listing,
      cachedAt: cached.cachedAt,
      score: hit._score ?? null,
      highlights: {
        ...(hit.highlight?.['title'] ? { title: hit.highlight['title'] } : {}),
        ...(hit.highlight?.['description'] ? { description: hit.highlight['description'] } : {})
      }
    })
  }
  return {
    query: q,
    total,
    page,
    pageSize,
    hits,
    facets: {
      skills: buckets(res.aggregations?.['skills']),
      company: buckets(res.aggregations?.['company']),
      location: buckets(res.aggregations?.['location'])
    },
    tookMs: performance.now() - started
  }
}

function buildSearchRequest(
  q: string,
  options: ListingSearchOptions,
  page: number,
  pageSize: number
): Omit<estypes.SearchRequest, 'index'> {
  const filter: estypes.QueryDslQueryContainer[] = []
  for (const skill of options.skills ?? []) filter.push({ term: { skills: { value: skill, case_insensitive: true } } })
  if (options.company !== undefined)
    filter.push({ term: { 'company.keyword': { value: options.company, case_insensitive: true } } })
  if (options.location !== undefined)
    filter.push({ term: { 'location.keyword': { value: options.location, case_insensitive: true } } })

  const must: estypes.QueryDslQueryContainer[] =
    q === ''
      ? []
      : [{ multi_match: { query: q, fields: ['title^3', 'skills^2', 'company^2', 'description', 'location'] } }]

  return {
    from: (page - 1) * pageSize,
    size: pageSize,
    track_total_hits: true,
    query: { bool: { must, filter } },
    // With no words to rank by, newest first.
    sort:
      q === ''
        ? [{ datePosted: { order: 'desc', unmapped_type: 'date' } }, { cachedAt: { order: 'desc' } }]
        : ['_score'],
    highlight: {
      // Escape the text around the <em> marks, so a fragment is safe to render as HTML.
      encoder: 'html',
      fields: { title: { number_of_fragments: 0 }, description: { fragment_size: 160, number_of_fragments: 3 } }
    },
    aggs: {
      skills: { terms: { field: 'skills', size: FACET_SIZE } },
      company: { terms: { field: 'company.keyword', size: FACET_SIZE } },
      location: { terms: { field: 'location.keyword', size: FACET_SIZE } }
    }
  }
}

function buckets(agg: estypes.AggregationsAggregate | undefined): FacetBucket[] {
  const raw = (agg as estypes.AggregationsStringTermsAggregate | undefined)?.buckets
  if (!Array.isArray(raw)) return []
  return raw.map((b) => ({ value: String(b.key), count: b.doc_count }))
}
