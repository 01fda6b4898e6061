/**
 * Hostile listings, for fault tests of a crawl: ordinary active listings whose page also
 * carries deeply nested formatting markup (`<b><i><u>…` opened N times, never closed) inside
 * the posting. An HTML parser must track every open formatting element and rebuild them
 * around each following node (the HTML standard's "reconstruct the active formatting
 * elements"), so such a page costs it time that grows faster than its size: the scraper's
 * cheerio/parse5 spends seconds to minutes of CPU on one page with its event loop blocked
 * (measured on this 2-core machine, parseListing: nesting 2,000 → 1 s, 5,000 → 6 s,
 * 10,000 → 31 s, 20,000 → 294 s). That is a poison page: it stalls the replica that takes it,
 * on every delivery. Left alone the scrape does end, with the listing: a crawl must give up on
 * it (a deadline shorter than the stall) for it to fail.
 *
 * Off by default (count 0). Which listings are hostile depends only on the catalog and the
 * count, so a test can learn them from /jobs.json (`hostile: true`). The page stays well
 * under the scraper's 5 MiB cap, so it is not refused as too large before it is parsed.
 */
import type { CatalogEntry } from './catalog.js'

export interface HostileSettings {
  /** How many listings are hostile. */
  count: number
  /** How many times the formatting elements are opened; the stall grows with it. */
  nesting: number
}

/** About half a minute of a stalled scraper per delivery here (see above). */
export const DEFAULT_HOSTILE_NESTING = 10_000
export const NO_HOSTILE_PAGES: HostileSettings = { count: 0, nesting: DEFAULT_HOSTILE_NESTING }

const BOMB_UNIT = '<b><i><u><s><em><strong><font><a href="#">'
/** Well below the scraper's 5 MiB page cap (see SCRAPE_DEFAULTS.maxBytes). */
const MAX_NESTING = 80_000

export function checkHostileSettings(settings: HostileSettings): HostileSettings {
  const { count, nesting } = settings
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`Hostile page count must be a whole number from 0, got ${count}`)
  if (!Number.isInteger(nesting) || nesting < 1 || nesting > MAX_NESTING)
    throw new Error(`Hostile page nesting must be a whole number from 1 to ${MAX_NESTING}, got ${nesting}`)
  return settings
}

/** `count` active listings spread evenly over the catalog (the first active one at or after each step). */
export function pickHostileIds(entries: readonly CatalogEntry[], count: number): Set<string> {
  const active = entries.filter((entry) => entry.status === 'active')
  if (count > active.length)
    throw new Error(`Hostile page count ${count} is more than the ${active.length} active listings`)
  const ids = new Set<string>()
  for (let k = 0; k < count; k += 1) ids.add(active[Math.floor((k * active.length) / count)]!.id)
  return ids
}

/** The listing's page with the nested markup added at the end of the posting. */
export function withParserBomb(page: string, nesting: number): string {
  const at = page.lastIndexOf('</article>')
  const bomb = `<div class="job-extras">${BOMB_UNIT.repeat(nesting)}Apply today</div>`
  return at < 0 ? page + bomb : page.slice(0, at) + bomb + page.slice(at)
}
