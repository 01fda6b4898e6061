/** A crawl's items as export rows (EXPORT_COLUMNS), with each done item's listing from the cache, a page at a time. */
import type { Client } from '@elastic/elasticsearch'
import type { ExportRow } from '../../shared/crawl'
import type { Listing, Salary } from '../../shared/listing'
import { crawlItemsQuery } from './item-store'
import type { ItemStore } from './item-store'
import type { ItemDoc } from './ledger-docs'

export async function* exportRows(crawlId: string, items: ItemStore, es: Client, listingsIndex: string): AsyncGenerator<ExportRow> {
  for await (const page of items.scan(crawlItemsQuery(crawlId), 500)) {
    const doneIds = page.filter((item) => item.doc.state === 'done').map((item) => item.doc.listingId)
    const listings = new Map<string, Listing>()
    if (doneIds.length > 0) {
      const res = await es.mget<Listing>({ index: listingsIndex, ids: doneIds }, { ignore: [404] })
      for (const doc of res.docs ?? []) if ('found' in doc && doc.found && doc._source) listings.set(doc._id, doc._source)
    }
    for (const { doc } of page) yield rowOf(doc, listings.get(doc.listingId) ?? null)
  }
}

export function rowOf(item: ItemDoc, listing: Listing | null): ExportRow {
  return {
    listingId: item.listingId,
    state: item.state,
    attempts: item.attempts,
    errorKind: item.errorKind,
    errorMessage: item.errorMessage,
    replica: item.replica,
    tookMs: item.tookMs,
    title: listing?.title ?? null,
    company: listing?.company ?? null,
    location: listing?.location ?? null,
    url: listing?.url ?? null,
    datePosted: listing?.datePosted ?? null,
    employmentType: listing ? listing.employmentType.join('; ') : null,
    salary: listing?.salary ? salaryText(listing.salary) : null,
    skills: listing ? listing.skills.join('; ') : null
  }
}

/** "50000–70000 EUR per YEAR", leaving out what the listing does not say. */
export function salaryText(salary: Salary): string {
  const range = salary.min !== null && salary.max !== null && salary.min !== salary.max ? `${salary.min}–${salary.max}` : String(salary.min ?? salary.max ?? '')
  return [range, salary.currency, salary.unit ? `per ${salary.unit}` : null].filter((part) => part !== null && part !== '').join(' ')
}
