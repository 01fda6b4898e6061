/**
 * Search with Elasticsearch unreachable: the listings layer itself says SearchUnavailable,
 * so the API and the panel (src/main/error-values.ts) report the
 * same kind and hint — not the panel's `Internal` with a raw ECONNREFUSED. Uses a closed port; the
 * shared Elasticsearch is left alone.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { toPanelError } from '../../src/main/error-values'
import { ERROR_RULES } from '../../src/shared/error-kinds'
import { errorResponse } from '../../src/services/api/error-response'
import { ListingsService, SearchUnavailable } from '../../src/services/listings'
import { silentLogger } from '../../src/services/log'
import { startStaticServer } from '../support/static-server'
import { countingScrape, uniqueIndex } from './fixtures'

let service: ListingsService

beforeAll(async () => {
  // A port that was just free and is closed again: connections to it are refused.
  const closed = await startStaticServer({})
  const url = closed.origin
  await closed.close()
  service = new ListingsService({
    elasticsearchUrl: url,
    index: uniqueIndex('nosearch'),
    esRequestTimeoutMs: 500,
    scrape: countingScrape(0).scrape,
    logger: silentLogger
  })
  await service.start()
})

afterAll(async () => {
  await service?.close()
})

it('throws SearchUnavailable, which the API and the panel map to the same kind', async () => {
  const err = await service.search('engineer').catch((e: unknown) => e)
  expect(err).toBeInstanceOf(SearchUnavailable)
  expect(err).toMatchObject({ name: 'SearchUnavailable', message: expect.stringContaining('ECONNREFUSED') })
  const hint = ERROR_RULES.SearchUnavailable.hint
  expect(errorResponse(err)).toMatchObject({ status: 503, body: { error: { kind: 'SearchUnavailable', hint } } })
  expect(toPanelError(err)).toMatchObject({ kind: 'SearchUnavailable', hint })
})
