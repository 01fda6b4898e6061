/**
 * The ledger queries the dispatcher picks work with: what is queued and due now, which sources
 * it belongs to, and one host's share of it.
 */
import type { estypes } from '@elastic/elasticsearch'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'
import { crawlItemsQuery } from './item-store'

/** Queued items of these crawls whose retry backoff (notBefore) is over. */
export function dueQuery(crawlIds: string[], now: number): estypes.QueryDslQueryContainer {
  const query = crawlItemsQuery(crawlIds, 'queued')
  query.bool!.filter = [
    ...(query.bool!.filter as estypes.QueryDslQueryContainer[]),
    {
      bool: {
        should: [
          { bool: { must_not: { exists: { field: 'notBefore' } } } },
          { range: { notBefore: { lte: now, format: 'epoch_millis' } } }
        ]
      }
    }
  ]
  return query
}

/** Narrows a query to items of these sources (an item with no `source` is of the default one). */
export function ofSources(query: estypes.QueryDslQueryContainer, sources: string[]): estypes.QueryDslQueryContainer {
  const should: estypes.QueryDslQueryContainer[] = [{ terms: { source: sources } }]
  if (sources.includes(DEFAULT_SOURCE_NAME)) should.push({ bool: { must_not: { exists: { field: 'source' } } } })
  return { bool: { filter: [query, { bool: { should, minimum_should_match: 1 } }] } }
}

/** Requests outstanding per host. */
export const SCRAPING_QUERY: estypes.QueryDslQueryContainer = { term: { state: 'scraping' } }
