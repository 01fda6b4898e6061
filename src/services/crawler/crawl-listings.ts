/**
 * The listings a crawl fetched: its done items' listings as the cache holds them, a page at a
 * time; with `kinds`, only those its change report gives one of these kinds (new, changed…).
 */
import type { Client } from '@elastic/elasticsearch'
import type { ChangeKind } from '../../shared/crawl-changes'
import type { Listing } from '../../shared/listing'
import { sourceListingKey } from '../../shared/source'
import { fromSource } from '../listings/listing-document'
import { crawlItemsQuery } from './item-store'
import type { ItemStore } from './item-store'

export async function* crawlListings(
  crawlId: string,
  items: ItemStore,
  es: Client,
  listingsIndex: string,
  kinds?: readonly ChangeKind[]
): AsyncGenerator<Listing[]> {
  for await (const page of items.scan(crawlItemsQuery(crawlId), 500)) {
    const ids = page
      .filter((item) => item.doc.state === 'done')
      .filter((item) => kinds === undefined || (item.doc.change != null && kinds.includes(item.doc.change)))
      .map((item) => sourceListingKey(item.doc.source, item.doc.listingId))
    if (ids.length === 0) continue
    const res = await es.mget({ index: listingsIndex, ids }, { ignore: [404] })
    const listings: Listing[] = []
    for (const doc of res.docs ?? []) {
      if (!('found' in doc) || !doc.found) continue
      const cached = fromSource(doc._source)
      if (cached !== null) listings.push(cached.listing)
    }
    yield listings
  }
}
