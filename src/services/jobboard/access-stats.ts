/**
 * What the board has been asked for since it started: requests per
 * listing id and per kind of page. `GET /_stats` serves it, so a test can prove that a
 * cancelled crawl's remaining ids were never fetched, or count how often a page was retried.
 * Bounded: ids are counted only when they are in the catalog; anything else is one counter.
 */

type RequestKind = 'listing' | 'index' | 'sitemap' | 'other'

export interface AccessStatsSnapshot {
  /** ISO time the counting started. */
  since: string
  total: number
  byKind: Record<RequestKind, number>
  /** Requests for /jobs/:id by catalog id (ids never asked for are absent). */
  listings: Record<string, number>
  /** Requests for /jobs/:id whose id is not in the catalog. */
  unknownListings: number
}

export interface AccessStats {
  record(kind: RequestKind, listingId?: string): void
  snapshot(): AccessStatsSnapshot
}

export function createAccessStats(isKnownId: (id: string) => boolean, now: () => Date = () => new Date()): AccessStats {
  const since = now()
  let total = 0
  const byKind: Record<RequestKind, number> = { listing: 0, index: 0, sitemap: 0, other: 0 }
  const listings = new Map<string, number>()
  let unknownListings = 0
  return {
    record(kind, listingId) {
      total += 1
      byKind[kind] += 1
      if (kind !== 'listing' || listingId === undefined) return
      if (isKnownId(listingId)) listings.set(listingId, (listings.get(listingId) ?? 0) + 1)
      else unknownListings += 1
    },
    snapshot() {
      return {
        since: since.toISOString(),
        total,
        byKind: { ...byKind },
        listings: Object.fromEntries(listings),
        unknownListings
      }
    }
  }
}
