/**
 * The crawls index on the shared Elasticsearch: a state change guarded by the state it
 * expects writes only from that state, so a tick that read a crawl as running before a cancel
 * cannot then mark it done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlStore } from '../../src/services/crawler/crawl-store'
import type { CrawlDoc } from '../../src/services/crawler/ledger-docs'
import { deleteLedgerIndices, ensureLedgerIndices, ledgerIndices } from '../../src/services/crawler/ledger-indices'
import { createElasticsearchClient } from '../../src/services/listings/elasticsearch-client'
import { ES_URL } from '../listings/fixtures'
import { uniqueStackNames } from './crawl-fixture'

const indices = ledgerIndices(uniqueStackNames('crawl-store').prefix)
const es = createElasticsearchClient(ES_URL, 30_000)
const store = new CrawlStore(es, indices.crawls)
const at = new Date().toISOString()

function crawl(id: string, state: CrawlDoc['state']): CrawlDoc {
  return {
    id,
    name: id,
    state,
    source: 'ids',
    sourceSpec: { kind: 'ids' },
    ingesting: false,
    ingestError: null,
    sourceRead: 3,
    duplicateCount: 0,
    invalidCount: 0,
    refresh: false,
    maxAttempts: 3,
    createdAt: at,
    updatedAt: at,
    finishedAt: null
  }
}

beforeAll(async () => {
  await ensureLedgerIndices(es, indices)
})

afterAll(async () => {
  await deleteLedgerIndices(es, indices)
  await es.close()
})

describe('CrawlStore.updateIf', () => {
  it('writes from an expected state only', async () => {
    await store.create(crawl('cancelled-1', 'cancelled'))
    await store.create(crawl('running-1', 'running'))
    const done = { state: 'done' as const, finishedAt: at }
    expect(await store.updateIf('cancelled-1', ['running'], done)).toBe(false)
    expect(await store.updateIf('running-1', ['running'], done)).toBe(true)
    expect((await store.get('cancelled-1'))?.state).toBe('cancelled')
    expect(await store.get('running-1')).toMatchObject({ state: 'done', finishedAt: at, sourceRead: 3 })
  })
})
