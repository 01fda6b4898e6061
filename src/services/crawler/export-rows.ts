/** A crawl's items as export rows, with each done item's listing from the cache, a page at a time. */
import type { Client } from '@elastic/elasticsearch'
import type { CrawlItem, ExportRow } from '../../shared/crawl'
import type { Listing } from '../../shared/listing'
import { crawlItemsQuery } from './item-store'
import type { ItemStore } from './item-store'
import { itemSource } from './ledger-docs'
import type { ItemDoc } from './ledger-docs'
import { sourceListingKey } from '../../shared/source'
import { exportRow } from './sources/export-writer'

export async function* exportRows(
  crawlId: string,
  items: ItemStore,
  es: Client,
  listingsIndex: string
): AsyncGenerator<ExportRow> {
  for await (const page of items.scan(crawlItemsQuery(crawlId), 500)) {
    const doneIds = page
      .filter((item) => item.doc.state === 'done')
      .map((item) => sourceListingKey(item.doc.source, item.doc.listingId))
    const listings = new Map<string, Listing>()
    if (doneIds.length > 0) {
      const res = await es.mget<Listing>({ index: listingsIndex, ids: doneIds }, { ignore: [404] })
      for (const doc of res.docs ?? [])
        if ('found' in doc && doc.found && doc._source) listings.set(doc._id, doc._source)
    }
    for (const { doc } of page)
      yield exportRow(crawlItemOf(doc), listings.get(sourceListingKey(doc.source, doc.listingId)) ?? null)
  }
}

/** The contract's view of a ledger item. */
export function crawlItemOf(doc: ItemDoc): CrawlItem {
  return {
    listingId: doc.listingId,
    source: itemSource(doc),
    state: doc.state,
    attempts: doc.attempts,
    errorKind: doc.errorKind,
    errorMessage: doc.errorMessage,
    replica: doc.replica,
    tookMs: doc.tookMs,
    updatedAt: doc.updatedAt
  }
}
