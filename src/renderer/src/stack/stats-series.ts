/**
 * The stack table's resource numbers from the followed readings: the latest reading per
 * container (bounded history per container), each service's CPU and memory now, and its
 * CPU a second at a time for the sparkline.
 */
import type { ContainerStats } from '../../../shared/contract'
import { STATS_HISTORY } from '../../../shared/fleet-stats'

/** Readings per container name, oldest first. */
export type StatsByContainer = ReadonlyMap<string, ContainerStats[]>

/** Adds readings, keeping at most `capacity` per container and only the containers in `live` (when given). */
export function withReadings(
  current: StatsByContainer,
  readings: ContainerStats[],
  capacity = STATS_HISTORY
): Map<string, ContainerStats[]> {
  const next = new Map(current)
  for (const reading of readings) {
    const list = [...(next.get(reading.container) ?? []), reading]
    next.set(reading.container, list.slice(-capacity))
  }
  return next
}

/** The latest reading of each container, for the host ceiling. */
export function latestReadings(byContainer: StatsByContainer, containers?: ReadonlySet<string>): ContainerStats[] {
  const out: ContainerStats[] = []
  for (const [name, list] of byContainer) {
    const last = list.at(-1)
    if (last !== undefined && (containers === undefined || containers.has(name))) out.push(last)
  }
  return out
}

export interface ServiceUse {
  /** Sum over its running containers (100 = one core). */
  cpuPercent: number
  memoryBytes: number
  /** CPU % per second, oldest first, for the sparkline. */
  series: number[]
}

/** A service's use now and over the kept history; null when none of its containers has a reading. */
export function serviceUse(byContainer: StatsByContainer, containers: readonly string[]): ServiceUse | null {
  const lists = containers.map((c) => byContainer.get(c) ?? []).filter((l) => l.length > 0)
  if (lists.length === 0) return null
  const perSecond = new Map<number, number>()
  for (const list of lists) {
    for (const r of list) {
      const second = Math.floor(Date.parse(r.read) / 1000)
      perSecond.set(second, (perSecond.get(second) ?? 0) + r.cpuPercent)
    }
  }
  const series = [...perSecond.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, cpu]) => cpu)
    .slice(-STATS_HISTORY)
  return {
    cpuPercent: lists.reduce((sum, l) => sum + (l.at(-1)?.cpuPercent ?? 0), 0),
    memoryBytes: lists.reduce((sum, l) => sum + (l.at(-1)?.memoryBytes ?? 0), 0),
    series
  }
}
