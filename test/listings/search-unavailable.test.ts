/**
 * Search with Elasticsearch unreachable: the listings layer itself says SearchUnavailable,
 * so the API and the panel (src/main/controller/error-values.ts, by error name) report the
 * same kind — not the panel's `Internal` with a raw ECONNREFUSED. Uses a closed port; the
 * shared Elasticsearch is left alone.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { toPanelError } from '../../src/main/session/error-values'
import { errorResponse } from '../../src/services/api/error-response'
import { ListingsService, SEARCH_UNAVAILABLE_HINT, SearchUnavailable } from '../../src/services/listings'
import { silentLogger } from '../../src/services/log'
import { startStaticServer } from '../support/static-server'
import { countingScrape, uniqueIndex } from './fixtures'

let service: ListingsService

beforeAll(async () => {
  // A port that was just free and is closed again: connections to it are refused.
  const closed = await startStaticServer({})
  const url = closed.origin
  await closed.close()
  service = new ListingsService({ elasticsearchUrl: url, index: uniqueIndex('nosearch'), esRequestTimeoutMs: 500, scrape: countingScrape(0).scrape, logger: silentLogger })
  await service.start()
})

afterAll(async () => {
  await service?.close()
})

it('throws SearchUnavailable, which the API and the panel map to the same kind', async () => {
  const err = await service.search('engineer').catch((e: unknown) => e)
  expect(err).toBeInstanceOf(SearchUnavailable)
  expect(err).toMatchObject({ name: 'SearchUnavailable', hint: SEARCH_UNAVAILABLE_HINT, message: expect.stringContaining('ECONNREFUSED') })
  expect(errorResponse(err).body.error).toMatchObject({ kind: 'SearchUnavailable', hint: SEARCH_UNAVAILABLE_HINT })
  expect(toPanelError(err).kind).toBe('SearchUnavailable')
})
