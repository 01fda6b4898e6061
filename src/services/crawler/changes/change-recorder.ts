/**
 * Decides, for a batch of items that just finished, what each did since the last crawl
 * (change-rules.ts), against the registry read once for the batch; puts the answer on each
 * item's write and writes the registry's new records in one bulk, before the items: a batch
 * whose item writes then lose a race is decided again and reads the same answer back.
 */
import type { ItemDoc, StoredItem } from '../ledger-docs'
import { itemSource } from '../ledger-docs'
import { classify } from './change-rules'
import type { Observation, RegistryDoc } from './change-rules'
import type { ListingRegistry } from './listing-registry'
import { registryDocId } from './listing-registry'

export interface FinishedItem {
  item: StoredItem
  /** The item's write: the change fields are added to it. */
  changes: Partial<ItemDoc>
  observation: Observation
}

export class ChangeRecorder {
  constructor(readonly registry: ListingRegistry) {}

  async record(finished: readonly FinishedItem[], now: Date): Promise<void> {
    if (finished.length === 0) return
    const keys = finished.map(({ item }) => ({ source: itemSource(item.doc), listingId: item.doc.listingId }))
    const records = await this.registry.readMany(keys)
    const at = now.toISOString()
    const writes = new Map<string, RegistryDoc>()
    for (const { item, changes, observation } of finished) {
      const source = itemSource(item.doc)
      const id = registryDocId(source, item.doc.listingId)
      const { change, next } = classify(writes.get(id) ?? records.get(id) ?? null, observation, {
        crawlId: item.doc.crawlId,
        source,
        listingId: item.doc.listingId,
        at,
        lastmod: item.doc.lastmod ?? null
      })
      writes.set(id, next)
      Object.assign(changes, changeFieldsOf(change, next))
    }
    await this.registry.writeMany([...writes.values()])
  }
}

/** What an item keeps of its change: the kind, the fields, the reason, and the listing's title and company. */
export function changeFieldsOf(
  change: { kind: ItemDoc['change']; fields: NonNullable<ItemDoc['changedFields']>; reason: string | null },
  record: RegistryDoc | null
): Partial<ItemDoc> {
  return {
    change: change.kind,
    changedFields: change.fields,
    changeReason: change.reason,
    title: record?.fields?.title ?? null,
    company: record?.fields?.company ?? null
  }
}
