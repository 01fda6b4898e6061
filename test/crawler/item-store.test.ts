/**
 * The item store on the shared Elasticsearch: whole-document writes keep the version guard
 * of the updates they replace, and a reply's item taken from the store's memory is never
 * trusted past its version: stale, its write loses with a conflict and the next read is
 * fresh; not matching, it is read again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DispatchBatches } from '../../src/services/crawler/dispatch-batches'
import { ItemStore } from '../../src/services/crawler/item-store'
import { newItem } from '../../src/services/crawler/ledger-docs'
import type { StoredItem } from '../../src/services/crawler/ledger-docs'
import {
  deleteLedgerIndices,
  ensureLedgerIndices,
  itemDocId,
  ledgerIndices
} from '../../src/services/crawler/ledger-indices'
import { createElasticsearchClient } from '../../src/services/listings/elasticsearch-client'
import { ES_URL } from '../listings/fixtures'
import { uniqueStackNames } from './crawl-fixture'

const indices = ledgerIndices(uniqueStackNames('item-store').prefix)
const es = createElasticsearchClient(ES_URL, 30_000)
const now = new Date().toISOString()

beforeAll(async () => {
  await ensureLedgerIndices(es, indices)
})

afterAll(async () => {
  await deleteLedgerIndices(es, indices)
  await es.close()
})

/** Creates one queued item and marks it scraping (dispatch 1) through `store`; returns what was written. */
async function dispatchedItem(store: ItemStore, listingId: string): Promise<StoredItem> {
  await store.createMany([newItem('c1', listingId, 0, 3, 'queued', now)])
  const [queued] = (await store.getMany([{ crawlId: 'c1', listingId }])).values()
  const { updated } = await store.updateMany([
    { item: queued!, changes: { state: 'scraping', attempts: 1, dispatch: 1, dispatchedAt: now } }
  ])
  expect(updated).toHaveLength(1)
  return updated[0]!
}

const scrapingAt = (dispatch: number) => (item: StoredItem) =>
  item.doc.state === 'scraping' && item.doc.dispatch === dispatch

describe('item store', () => {
  it('writes whole documents, keeping fields a change leaves undefined', async () => {
    const store = new ItemStore(es, indices.items)
    const written = await dispatchedItem(store, 'whole-1')
    await store.updateMany([{ item: written, changes: { state: 'done', replica: 'r1', notBefore: undefined } }])
    const [stored] = (await store.getMany([{ crawlId: 'c1', listingId: 'whole-1' }])).values()
    expect(stored!.doc).toMatchObject({ state: 'done', replica: 'r1', attempts: 1, dispatch: 1, dispatchedAt: now })
    expect(stored!.doc).toHaveProperty('notBefore', null)
  })

  it('refuses a write decided on an older version (another writer changed the item)', async () => {
    const store = new ItemStore(es, indices.items)
    const written = await dispatchedItem(store, 'race-1')
    await store.updateMany([{ item: written, changes: { state: 'cancelled' } }])
    const outcome = await store.updateMany([{ item: written, changes: { state: 'done' } }])
    expect(outcome.conflicts).toHaveLength(1)
    const [stored] = (await store.getMany([{ crawlId: 'c1', listingId: 'race-1' }])).values()
    expect(stored!.doc.state).toBe('cancelled')
  })

  it('answers a reply from memory until another writer moves the item, then reads it afresh', async () => {
    const coordinator = new ItemStore(es, indices.items)
    const written = await dispatchedItem(coordinator, 'known-1')
    const key = { crawlId: 'c1', listingId: 'known-1' }
    const id = itemDocId('c1', 'known-1')

    // Remembered exactly as written: no read needed, same version.
    const remembered = (await coordinator.getManyKnown([key], scrapingAt(1))).get(id)
    expect(remembered).toEqual(written)

    // Another writer (an action, another coordinator) cancels it: the remembered version is stale.
    const other = new ItemStore(es, indices.items)
    const [fresh] = (await other.getMany([key])).values()
    await other.updateMany([{ item: fresh!, changes: { state: 'cancelled' } }])
    const stale = (await coordinator.getManyKnown([key], scrapingAt(1))).get(id)!
    expect(stale.doc.state).toBe('scraping')
    const lost = await coordinator.updateMany([{ item: stale, changes: { state: 'done' } }])
    expect(lost.conflicts).toHaveLength(1)

    // The lost write forgot it: the next decision reads the item as it is.
    const reread = (await coordinator.getManyKnown([key], scrapingAt(1))).get(id)!
    expect(reread.doc.state).toBe('cancelled')
  })

  it('reads an item again when its remembered version is not the reply’s dispatch', async () => {
    const coordinator = new ItemStore(es, indices.items)
    await dispatchedItem(coordinator, 'later-1')
    // A second dispatch written by someone else: the store remembers dispatch 1 only.
    const other = new ItemStore(es, indices.items)
    const [current] = (await other.getMany([{ crawlId: 'c1', listingId: 'later-1' }])).values()
    await other.updateMany([{ item: current!, changes: { dispatch: 2, attempts: 2 } }])
    const read = (await coordinator.getManyKnown([{ crawlId: 'c1', listingId: 'later-1' }], scrapingAt(2))).get(
      itemDocId('c1', 'later-1')
    )
    expect(read?.doc.dispatch).toBe(2)
  })
})

describe('dispatch batches', () => {
  it('lists a batch as open until it is closed, and only once it is older than asked', async () => {
    const batches = new DispatchBatches(es, indices.dispatches)
    const openedAt = Date.now() - 60_000
    const id = await batches.open(openedAt)
    await es.indices.refresh({ index: indices.dispatches })
    expect(await batches.openBefore(openedAt - 1)).toEqual([])
    expect(await batches.openBefore(Date.now())).toEqual([{ id, openedAt }])
    await batches.close(id)
    // Closed but not refreshed yet: the search may still see it, the realtime check does not.
    expect(await batches.openBefore(Date.now())).toEqual([])
  })
})
