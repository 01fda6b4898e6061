/**
 * Which replicas a scale-down may stop: only those with nothing unacked. A replica with no
 * consumer of its own (starting, or lost its connection) has no work either, and goes first;
 * but when some consumer on the queue does not say which replica it is (an old image, a
 * Nameko peer) and has work, a replica without a consumer of its own might be that one, so
 * it is not taken. Newest (last listed) first among equals.
 */
import type { ConsumerLoad } from '../broker/consumer-load'

export interface ReplicaRef {
  /** The container's (or process's) id, as the scale target stops it. */
  id: string
  /** For people: the container name. */
  name: string
  /** What its RPC server reports as its replica (its hostname). */
  replica: string
}

export interface IdlePick {
  chosen: { ref: ReplicaRef; unacked: number }[]
  /** Replicas with calls in flight (or that cannot be told apart from one): left running. */
  busy: { ref: ReplicaRef; unacked: number | null }[]
}

export function pickIdleReplicas(
  replicas: readonly ReplicaRef[],
  loads: readonly ConsumerLoad[],
  count: number
): IdlePick {
  const unmappedBusy = loads.some((l) => l.replica === null && l.unacked > 0)
  const rated = replicas.map((ref, index) => {
    const own = loads.filter((l) => l.replica === ref.replica)
    const unacked = own.length === 0 ? (unmappedBusy ? null : 0) : own.reduce((sum, l) => sum + l.unacked, 0)
    return { ref, index, unacked, consuming: own.length > 0 }
  })
  const idle = rated
    .filter((r): r is typeof r & { unacked: number } => r.unacked === 0)
    .sort((a, b) => Number(a.consuming) - Number(b.consuming) || b.index - a.index)
  const chosen = idle.slice(0, Math.max(0, count))
  const taken = new Set(chosen.map((c) => c.ref.id))
  return {
    chosen: chosen.map((c) => ({ ref: c.ref, unacked: c.unacked })),
    busy: rated.filter((r) => !taken.has(r.ref.id) && r.unacked !== 0).map((r) => ({ ref: r.ref, unacked: r.unacked }))
  }
}
