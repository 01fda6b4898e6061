/**
 * Latency and failures the board injects so benchmarks and fault tests can model a slow or
 * flaky site. Both are drawn from the seed and the request's sequence number, so the same
 * sequence of requests sees the same delays and the same 503s on every run.
 */
import { createSeededRandom, hashSeed } from './seeded-random.js'

export interface LatencyRange {
  minMs: number
  maxMs: number
}

export interface FaultSettings {
  seed: number
  latency: LatencyRange
  /** 0..1: the share of requests answered 503. */
  failureRate: number
}

interface Fault {
  /** 1-based sequence number among the requests the model has seen. */
  requestNumber: number
  delayMs: number
  fail: boolean
}

export interface FaultModel {
  next(): Fault
}

export const NO_LATENCY: LatencyRange = { minMs: 0, maxMs: 0 }

/** "120" (fixed) or "50-400" (uniform range), in milliseconds. */
export function parseLatency(text: string): LatencyRange {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text)
  if (!match) throw new Error(`Latency must be milliseconds as "120" or a range as "50-400", got "${text}"`)
  const minMs = Number(match[1])
  const maxMs = match[2] === undefined ? minMs : Number(match[2])
  return checkLatency({ minMs, maxMs })
}

function checkLatency(latency: LatencyRange): LatencyRange {
  const { minMs, maxMs } = latency
  if (!Number.isInteger(minMs) || !Number.isInteger(maxMs) || minMs < 0 || maxMs < minMs || maxMs > 600_000) {
    throw new Error(`Latency must be whole milliseconds with 0 <= min <= max <= 600000, got ${minMs}-${maxMs}`)
  }
  return latency
}

export function checkFailureRate(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0 || rate > 1)
    throw new Error(`Failure rate must be a number from 0 to 1, got ${rate}`)
  return rate
}

export function createFaultModel(settings: FaultSettings): FaultModel {
  const { seed, latency, failureRate } = settings
  checkLatency(latency)
  checkFailureRate(failureRate)
  let requestNumber = 0
  return {
    next(): Fault {
      requestNumber += 1
      const random = createSeededRandom(hashSeed(seed, 'fault', requestNumber))
      const delayMs = random.int(latency.minMs, latency.maxMs)
      // Compare against a second draw so the failure pattern does not depend on the latency range.
      const fail = random.next() < failureRate
      return { requestNumber, delayMs, fail }
    }
  }
}
