/**
 * What a host's answers do to its clock, in the order they were applied (pure; the coordinator
 * stores the result in host-clock.ts):
 *
 * - a page served ends a run of refusals and of 503s;
 * - a 429 is the host's refusal: it is paused (host-backoff.ts) and the item waits, no attempt lost;
 * - a 503 is the host's refusal only as the BUSY_AFTER_503S-th 503 in a row (no page served
 *   between) or later in that run; before that it is the page's own transient failure
 *   (SourceUnavailable, attempt counted, retried with the item's backoff). A busy host answers
 *   every request 503; a board whose pages fail at random answers three in a row rarely (at a
 *   10 % fault rate, 1 run in 1000), and then pausing it for its Retry-After costs little. A 503
 *   with Retry-After does not tell them apart: the stack's own board sends Retry-After: 1 with
 *   its random 503s, as busy servers do.
 */
import { afterRefusal } from './host-backoff'
import type { HostBackoffRule } from './host-backoff'
import type { HostClockDoc } from './host-clock'

/** 503s in a row from one host that make it (and every later 503 of the run) the host's refusal. */
export const BUSY_AFTER_503S = 3

export type HostAnswer =
  | { kind: 'served' }
  /** A 429. */
  | { kind: 'refused'; retryAfterMs: number | null; message: string }
  /** A 503. */
  | { kind: 'busy'; retryAfterMs: number | null; message: string }

export interface AnsweredClock {
  clock: HostClockDoc
  /** Per answer: true when it was the host's refusal (its item waits for the host, no attempt lost). */
  refused: boolean[]
}

export function applyAnswers(
  clock: HostClockDoc,
  answers: HostAnswer[],
  now: number,
  rule?: HostBackoffRule,
  random?: () => number
): AnsweredClock {
  const refused: boolean[] = []
  let next = clock
  for (const answer of answers) {
    if (answer.kind === 'served') {
      next = { ...next, refusals: 0, unavailable: 0 }
      refused.push(false)
      continue
    }
    const unavailable = answer.kind === 'busy' ? next.unavailable + 1 : next.unavailable
    if (answer.kind === 'busy' && unavailable < BUSY_AFTER_503S) {
      next = { ...next, unavailable, lastAnswer: answer.message }
      refused.push(false)
      continue
    }
    next = afterRefusal({ ...next, unavailable }, answer, now, rule, random)
    refused.push(true)
  }
  return { clock: next, refused }
}

/** Whether applying the answers changes anything worth a write (a host that only serves pages needs none). */
export function clockChanged(before: HostClockDoc, after: HostClockDoc): boolean {
  return (
    before.refusals !== after.refusals ||
    before.unavailable !== after.unavailable ||
    before.pausedUntil !== after.pausedUntil ||
    before.blocked !== after.blocked ||
    before.lastAnswer !== after.lastAnswer
  )
}
