/** How saved searches read in a terminal (`deck search save|list|show|deliveries`). */
import type {
  Delivery,
  DeliveryListResponse,
  RevealedSavedSearch,
  SavedSearch,
  SavedSearchListResponse
} from '../../shared/saved-search'
import { describeSavedSearchQuery } from '../../shared/saved-search'

export function formatSavedSearchList(r: SavedSearchListResponse): string {
  if (r.savedSearches.length === 0) return 'no saved searches'
  return r.savedSearches
    .map((s) => {
      const last = s.deliveries[0]
      return `${s.name.padEnd(20)} ${describeSavedSearchQuery(s.query)}; webhook ${s.webhook ?? 'none'}; last delivery ${last === undefined ? 'never' : deliveryText(last)}`
    })
    .join('\n')
}

export function formatSavedSearch(s: SavedSearch | RevealedSavedSearch): string {
  const lines = [
    `${s.name}`,
    `  matches       ${describeSavedSearchQuery(s.query)}`,
    `  webhook       ${s.webhook ?? 'none'}`
  ]
  if ('secret' in s) lines.push(`  secret        ${s.secret}  (signs each body: X-Scrapedeck-Signature)`)
  if (s.deliveries.length === 0) lines.push('  deliveries    none yet')
  else lines.push('  deliveries (newest first):', ...s.deliveries.map((d) => `    ${deliveryText(d)}`))
  return lines.join('\n')
}

export function formatDeliveries(r: DeliveryListResponse): string {
  if (r.deliveries.length === 0) return `no deliveries for ${r.name} yet`
  return r.deliveries
    .flatMap((d) => [
      deliveryText(d),
      ...d.attempts.map(
        (a, i) =>
          `    attempt ${i + 1} at ${a.at}: ${a.status ?? 'no answer'}${a.error === null ? '' : ` (${a.error})`}, ${a.ms} ms`
      )
    ])
    .join('\n')
}

/** `2026-12-07T21:51:58.120Z matches delivered after 3 attempts: 3 listings, crawl mabc-12ef` */
export function deliveryText(d: Delivery): string {
  return `${d.createdAt} ${d.event} ${d.state} after ${d.attempts.length} attempt${d.attempts.length === 1 ? '' : 's'}: ${d.listings} listing${d.listings === 1 ? '' : 's'}, crawl ${d.crawlId ?? '—'}`
}
