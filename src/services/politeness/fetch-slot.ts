/**
 * A fetch slot: the only time a scraper may start the fetch a request asks for, and the time
 * by which that fetch must be over. The coordinator hands slots out per host (slot-schedule.ts)
 * and puts one on each scrape request as a header; the scraper checks it at fetch start
 * (slot-gate.ts). Politeness is then a property of when fetches start at the site, not of
 * when requests were published: a request that waited in a backlog past its slot is answered
 * FetchSlotMissed and re-slotted, never fetched late and bunched with others.
 */

/** The request header carrying the slot: "<startAt>/<notAfter>/<endBy>", epoch milliseconds. */
export const FETCH_SLOT_HEADER = 'x-scrapedeck-fetch-slot'

/** The error a scraper answers with instead of fetching outside its slot; the attempt does not count. */
export const FETCH_SLOT_MISSED = 'FetchSlotMissed'

export interface FetchSlot {
  /** The fetch starts no earlier than this (epoch ms). */
  startAt: number
  /** …and no later than this; a request that arrives later is not fetched. */
  notAfter: number
  /** The fetch is over (answered or aborted) by this time. */
  endBy: number
}

export function encodeFetchSlot(slot: FetchSlot): string {
  return `${slot.startAt}/${slot.notAfter}/${slot.endBy}`
}

/** The slot a request carries; null when it carries none (a single lookup, a Nameko caller) or a broken one. */
export function decodeFetchSlot(value: unknown): FetchSlot | null {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value
  if (typeof text !== 'string') return null
  const match = /^(\d{1,15})\/(\d{1,15})\/(\d{1,15})$/.exec(text)
  if (match === null) return null
  const [startAt, notAfter, endBy] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (!(startAt <= notAfter && notAfter < endBy)) return null
  return { startAt, notAfter, endBy }
}

export class FetchSlotMissed extends Error {
  override readonly name = FETCH_SLOT_MISSED
}
