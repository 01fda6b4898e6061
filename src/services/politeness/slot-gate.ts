/**
 * The scraper's side of a fetch slot: a request that carries one waits for its slot to open
 * and is refused (FetchSlotMissed, no fetch) when it reaches the scraper after the slot closed,
 * or when a replica took it before (that replica may have fetched in this slot already).
 */
import { FETCH_SLOT_HEADER, FetchSlotMissed, decodeFetchSlot } from './fetch-slot'
import type { FetchSlot } from './fetch-slot'

export async function waitForSlot(slot: FetchSlot, seenBefore: boolean, now: () => number = Date.now): Promise<void> {
  if (seenBefore)
    throw new FetchSlotMissed(
      'Not fetched: the request was delivered before, so its fetch slot may have been used; the coordinator gives it a new one'
    )
  const wait = slot.startAt - now()
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  const late = now() - slot.notAfter
  if (late > 0)
    throw new FetchSlotMissed(
      `Not fetched: the request reached the scraper ${late} ms after its fetch slot closed; the coordinator gives it a new one`
    )
}

/** How long the fetch may take: until the slot's end, never longer than the scraper's own limit. */
export function slotTimeoutMs(slot: FetchSlot, timeoutMs: number, now: () => number = Date.now): number {
  return Math.max(1, Math.min(timeoutMs, slot.endBy - now()))
}

/**
 * When the slot a request carries opens (epoch ms), null without one: the RPC server holds the
 * request on a timer until then, so waiting for a slot takes no worker.
 */
export function slotOpensAt(headers: Record<string, unknown> | undefined): number | null {
  return decodeFetchSlot(headers?.[FETCH_SLOT_HEADER])?.startAt ?? null
}
