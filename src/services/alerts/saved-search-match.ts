/**
 * Whether a listing matches a saved search, decided in memory over the listings a crawl
 * fetched (tens to thousands), so one rule holds for every saved search without a query per
 * search. Every filter given must hold; the words are matched whole and case-insensitively.
 */
import type { Listing } from '../../shared/listing'
import type { SavedSearchQuery } from '../../shared/saved-search'
import { DEFAULT_SOURCE_NAME } from '../../shared/source'

/** Letters and digits, lower-cased: "Node.js, TypeScript" → ["node", "js", "typescript"]. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
}

export function matchesSavedSearch(listing: Listing, query: SavedSearchQuery): boolean {
  if (query.source !== undefined && (listing.source ?? DEFAULT_SOURCE_NAME) !== query.source) return false
  if (query.location !== undefined && listing.location?.toLowerCase() !== query.location.toLowerCase()) return false
  if (query.minSalary !== undefined) {
    const top = listing.salary?.max ?? listing.salary?.min ?? null
    if (top === null || top < query.minSalary) return false
  }
  if (query.skills !== undefined) {
    const has = new Set(listing.skills.map((s) => s.toLowerCase()))
    if (!query.skills.every((s) => has.has(s.toLowerCase()))) return false
  }
  const wanted = words(query.q)
  if (wanted.length === 0) return true
  const text = new Set(
    words(
      [
        listing.title,
        listing.company ?? '',
        listing.location ?? '',
        listing.skills.join(' '),
        listing.description
      ].join(' ')
    )
  )
  return wanted.every((w) => text.has(w))
}
