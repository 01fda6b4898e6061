/**
 * After a full crawl of a source ends, the listings its registry knows that the crawl never
 * met are gone: its sitemaps, read in full, no longer list them. Only a crawl of whole
 * sources (the board, or named sources) whose ingest read every sitemap to the end may say
 * so: a crawl of one sitemap URL or of a list of ids covers part of a source, and an ingest
 * cut short saw only part of it. Each becomes an item of the crawl (skipped, kind `gone`) so
 * the report lists it; the items are written before the records, so a sweep cut short runs
 * again and finds them still unseen.
 */
import { DEFAULT_SOURCE_NAME } from '../../../shared/source'
import type { ItemStore } from '../item-store'
import { newItem } from '../ledger-docs'
import { itemDocId } from '../ledger-indices'
import type { CrawlDoc } from '../ledger-docs'
import { changeFieldsOf } from './change-recorder'
import { classify } from './change-rules'
import type { ListingRegistry } from './listing-registry'

/** The sources a crawl read whole, or [] when it cannot tell what is gone. */
function fullySeenSources(crawl: CrawlDoc): string[] {
  if (crawl.ingestError !== null || crawl.state === 'cancelled') return []
  if (crawl.sourceSpec.kind === 'board') return [DEFAULT_SOURCE_NAME]
  if (crawl.sourceSpec.kind === 'sources') return crawl.sourceSpec.names ?? []
  return []
}

/** Marks gone what a full crawl did not meet; answers how many. */
export async function sweepGone(crawl: CrawlDoc, registry: ListingRegistry, items: ItemStore): Promise<number> {
  let seq = crawl.sourceRead
  let gone = 0
  for (const source of fullySeenSources(crawl)) {
    for await (const unseen of registry.unseen(source, crawl.id)) {
      // An item the crawl has but whose record it did not write (failed by the stale deadline,
      // skipped by robots.txt) was listed: not gone.
      const listed = await items.existing(unseen.map((record) => itemDocId(crawl.id, record.listingId, source)))
      const records = unseen.filter((record) => !listed.has(itemDocId(crawl.id, record.listingId, source)))
      if (records.length === 0) continue
      const at = new Date().toISOString()
      const decided = records.map((record) =>
        classify(
          record,
          { kind: 'absent' },
          { crawlId: crawl.id, source, listingId: record.listingId, at, lastmod: null }
        )
      )
      await items.createMany(
        decided.map(({ change, next }) => ({
          ...newItem(crawl.id, next.listingId, seq++, crawl.maxAttempts, 'skipped', at, source),
          ...changeFieldsOf(change, next)
        }))
      )
      await registry.writeMany(decided.map(({ next }) => next))
      gone += records.length
    }
  }
  return gone
}
