/**
 * Per-host fetch slots, pure arithmetic. Slot i starts at a(i); its fetch must start within
 * [a(i), a(i) + W] and be over by a(i+N) (N = maxInFlight). With a(i+1) ≥ a(i) + D + W the
 * site sees at least D between two fetch starts; and at any moment only fetches whose
 * [a(i), a(i+N)) holds that moment can be running, which is at most N of them. Both bounds
 * follow from the schedule alone, so no replica needs to know what another one does, and the
 * only state two coordinators share is where a host's schedule ends (host-clock.ts).
 */
import type { Politeness } from '../../shared/source'
import type { FetchSlot } from './fetch-slot'

const MIN_SLOT_WINDOW_MS = 10
export const MAX_SLOT_WINDOW_MS = 500

/**
 * How late a fetch may start after its slot opens: a twentieth of the gap (so the window costs
 * at most 5 % of the host's allowed rate), within [10, 500] ms.
 */
export function slotWindowMs(gapMs: number): number {
  return Math.min(MAX_SLOT_WINDOW_MS, Math.max(MIN_SLOT_WINDOW_MS, Math.round(gapMs / 20)))
}

/**
 * How much the time from the scraper's check of its slot to the site seeing the request may
 * vary: the fetch call, a connection set up, the network's jitter, the event-loop lag of a
 * busy scraper and of the site itself (up to 60 ms measured on a loaded 2-core machine).
 * Added to the spacing, so that this variation does not eat into the gap (CRAWL_SLOT_MARGIN_MS).
 */
export const DEFAULT_SLOT_MARGIN_MS = 75

/** Between two slot starts: the gap, the window and the margin, so even a fetch started at the end of its window, and seen late by the site, keeps the gap. */
export function slotSpacingMs(gapMs: number, marginMs: number = DEFAULT_SLOT_MARGIN_MS): number {
  return gapMs + slotWindowMs(gapMs) + marginMs
}

/** A fetch must be answered this long before the slot N later opens, so the site has seen it end. */
const END_MARGIN_MS = 5

export interface SlotPlanOptions {
  /** Slots start no sooner than now + lead: time to publish and deliver the request. */
  leadMs: number
  /** Slots are handed out only up to now + horizon, so requests never wait long in a scraper. */
  horizonMs: number
  /** See DEFAULT_SLOT_MARGIN_MS. */
  marginMs: number
}

export interface HostSchedule {
  /** The earliest start of the host's next slot (epoch ms): the end of what was handed out. */
  nextSlotAt: number
  /** No slot starts before this (epoch ms): a 429/503 or a failing robots.txt asked us to wait. */
  pausedUntil: number
  /** Whose schedule it is: a schedule that starts afresh is offset by the host's own phase. */
  host?: string
}

/**
 * Where in its spacing a host's fresh schedule starts, in [0, 1), from its name. Hosts whose
 * schedules all started at one tick would otherwise open their slots at the same moments for
 * as long as they run, and a replica would get their requests in bursts: the last of a burst
 * then reaches its check past its slot's window and is refused. Hosts out of phase spread
 * their slots over the spacing.
 */
export function hostPhase(host: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < host.length; i++) hash = Math.imul(hash ^ host.charCodeAt(i), 0x01000193) >>> 0
  return hash / 2 ** 32
}

export interface SlotPlan {
  slots: FetchSlot[]
  nextSlotAt: number
}

/**
 * Up to `wanted` slots for one host from `now`, and where its schedule then ends.
 * `gapMs` is the effective gap (minGapMs raised by Crawl-delay or AutoThrottle).
 */
export function planSlots(
  schedule: HostSchedule,
  politeness: Pick<Politeness, 'maxInFlight'>,
  gapMs: number,
  now: number,
  wanted: number,
  options: SlotPlanOptions
): SlotPlan {
  const window = slotWindowMs(gapMs)
  const spacing = slotSpacingMs(gapMs, options.marginMs)
  const slots: FetchSlot[] = []
  const earliest = now + options.leadMs
  const fresh = schedule.nextSlotAt < earliest && schedule.pausedUntil <= earliest && schedule.host !== undefined
  const phase = fresh ? Math.floor(hostPhase(schedule.host!) * spacing) : 0
  let startAt = Math.max(earliest + phase, schedule.nextSlotAt, schedule.pausedUntil)
  while (slots.length < wanted && startAt <= now + options.horizonMs + phase) {
    // The slot N later starts no sooner than N spacings on (later batches only start later).
    slots.push({
      startAt,
      notAfter: startAt + window,
      endBy: startAt + politeness.maxInFlight * spacing - END_MARGIN_MS
    })
    startAt += spacing
  }
  return { slots, nextSlotAt: slots.length === 0 ? schedule.nextSlotAt : startAt }
}

/** Fetch starts per second a host allows: at most one per spacing, and N at once over `latencyMs` each. */
export function allowedPerSecond(
  politeness: Pick<Politeness, 'maxInFlight'>,
  gapMs: number,
  latencyMs = 0,
  marginMs = DEFAULT_SLOT_MARGIN_MS
): number {
  const spacing = slotSpacingMs(gapMs, marginMs)
  return Math.min(1000 / spacing, latencyMs > 0 ? (1000 * politeness.maxInFlight) / latencyMs : Infinity)
}
