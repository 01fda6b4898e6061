/**
 * A listing as stored in the cache index: the Listing itself plus when it was cached.
 * `cachedAt` is an ISO timestamp; it also orders writes (see ListingRepository.put).
 */
import { ListingSchema } from '../../shared/listing'
import type { Listing } from '../../shared/listing'

export type ListingDocument = Listing & { cachedAt: string }

export function toDocument(listing: Listing, cachedAt: Date): ListingDocument {
  return { ...listing, cachedAt: cachedAt.toISOString() }
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
