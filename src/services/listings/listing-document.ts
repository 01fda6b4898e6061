/**
 * A listing as stored in the cache index: the Listing itself plus when it was cached.
 * `cachedAt` is an ISO timestamp; it also orders writes (see ListingRepository.put).
 * The document is written in the answer layout (listing-answer.ts): the Listing exactly as
 * the API answers it, then `cachedAt` and `answerLayout` as the last two fields, so a
 * cached lookup can send the stored bytes without parsing them.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { ListingSchema } from '../../shared/listing'
import type { Listing } from '../../shared/listing'
import { sourceListingKey } from '../../shared/source'

/**
 * Names the Listing shape a document was written for. It is derived from the schema, so a
 * changed Listing (a field added, renamed, retyped) changes it, and documents written
 * before then are parsed and checked again instead of being sent as they are.
 */
export const ANSWER_LAYOUT = createHash('sha256')
  .update(JSON.stringify(z.toJSONSchema(ListingSchema)))
  .digest('hex')
  .slice(0, 16)

export type ListingDocument = Listing & { cachedAt: string; answerLayout?: string }

export function toDocument(listing: Listing, cachedAt: Date): ListingDocument {
  // Parsed again so the stored fields are the answer's: the schema's order, no extra
  // fields (an in-process scrape may hand over any object of the Listing type).
  const answer = ListingSchema.safeParse(listing)
  if (!answer.success) return { ...listing, cachedAt: cachedAt.toISOString() } // read back as a miss, as before
  return { ...answer.data, cachedAt: cachedAt.toISOString(), answerLayout: ANSWER_LAYOUT }
}

export interface CachedListing {
  listing: Listing
  cachedAt: string
}

/** Null when the stored source is not a Listing (say, written by an older version). */
export function fromSource(source: unknown): CachedListing | null {
  if (typeof source !== 'object' || source === null) return null
  const cachedAt = (source as { cachedAt?: unknown }).cachedAt
  const parsed = ListingSchema.safeParse(source)
  if (!parsed.success || typeof cachedAt !== 'string') return null
  return { listing: parsed.data, cachedAt }
}

/** A listing's `_id` in the cache: its id, prefixed by its source unless that is the default source (shared/source.ts). */
export function listingDocId(doc: { ID: string; source?: string | undefined }): string {
  return sourceListingKey(doc.source, doc.ID)
}
