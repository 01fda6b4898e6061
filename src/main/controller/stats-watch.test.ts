import { describe, expect, it } from 'vitest'
import type { ContainerStats } from '../../shared/contract'
import type { StatsSource } from '../stack/container-stats'
import { StatsWatches } from './stats-watch'
import type { StatsEngine } from './stats-watch'

interface FakeStream {
  source: StatsSource
  push: (cpu: number) => void
  end: (reason: string) => void
  stopped: boolean
}

function fakeEngine(): StatsEngine & { streams: FakeStream[] } {
  const streams: FakeStream[] = []
  return {
    streams,
    followStats: async (source, onReading, onEnd) => {
      const stream: FakeStream = {
        source,
        push: (cpu) =>
          onReading({
            container: source.name,
            service: source.service,
            cpuPercent: cpu,
            memoryBytes: 1,
            memoryLimitBytes: 2,
            read: 'now'
          }),
        end: onEnd,
        stopped: false
      }
      streams.push(stream)
      return () => {
        stream.stopped = true
      }
    }
  }
}

const a = { id: 'a', name: 'deck-scraper-1', service: 'scraper' }
const b = { id: 'b', name: 'deck-api-1', service: 'api' }

function collector(): {
  readings: ContainerStats[]
  ends: string[]
  onReading: (r: ContainerStats) => void
  onEnd: (r: string) => void
} {
  const readings: ContainerStats[] = []
  const ends: string[] = []
  return { readings, ends, onReading: (r) => readings.push(r), onEnd: (r) => ends.push(r) }
}

describe('StatsWatches', () => {
  it('opens one engine stream per container for any number of watchers, and closes them with the last', async () => {
    const engine = fakeEngine()
    let clock = 0
    const watches = new StatsWatches(engine, async () => [a, b], { now: () => clock })
    const one = collector()
    const two = collector()
    const w1 = await watches.watch(one)
    const w2 = await watches.watch(two)
    await Promise.resolve()
    expect(engine.streams.map((s) => s.source.name)).toEqual(['deck-scraper-1', 'deck-api-1'])
    clock = 5000
    engine.streams[0]?.push(50)
    expect(one.readings.map((r) => r.cpuPercent)).toEqual([50])
    expect(two.readings.map((r) => r.cpuPercent)).toEqual([50])
    w1.stop()
    expect(engine.streams.some((s) => s.stopped)).toBe(false)
    w2.stop()
    expect(engine.streams.every((s) => s.stopped)).toBe(true)
    expect(watches.openStreams()).toEqual([])
  })

  it('sends at most one reading per interval per container, the latest winning, and keeps a bounded history', async () => {
    const engine = fakeEngine()
    let clock = 10_000
    const watches = new StatsWatches(engine, async () => [a], { now: () => clock, minIntervalMs: 20, history: 3 })
    const seen = collector()
    await watches.watch(seen)
    await Promise.resolve()
    const stream = engine.streams[0]!
    stream.push(1)
    stream.push(2)
    stream.push(3)
    expect(seen.readings.map((r) => r.cpuPercent)).toEqual([1])
    clock += 20
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(seen.readings.map((r) => r.cpuPercent)).toEqual([1, 3])
    for (const cpu of [4, 5, 6]) {
      clock += 20
      stream.push(cpu)
    }
    const later = await watches.watch(collector())
    expect(later.history.map((r) => r.cpuPercent)).toEqual([4, 5, 6])
  })

  it('follows the fleet: a new container gets a stream, a gone one loses it, an ended stream is forgotten', async () => {
    const engine = fakeEngine()
    const watches = new StatsWatches(engine, async () => [a])
    await watches.watch(collector())
    await Promise.resolve()
    watches.update([a, b])
    await Promise.resolve()
    expect(watches.openStreams().sort()).toEqual(['deck-api-1', 'deck-scraper-1'])
    watches.update([b])
    expect(engine.streams[0]?.stopped).toBe(true)
    expect(watches.openStreams()).toEqual(['deck-api-1'])
    engine.streams[1]?.end('deck-api-1 stopped')
    expect(watches.openStreams()).toEqual([])
  })

  it('opens nothing while nobody watches, and ends every watcher when the panel closes', async () => {
    const engine = fakeEngine()
    const watches = new StatsWatches(engine, async () => [a])
    watches.update([a, b])
    expect(engine.streams).toEqual([])
    const seen = collector()
    await watches.watch(seen)
    watches.stopAll('closing')
    expect(seen.ends).toEqual(['closing'])
    await Promise.resolve()
    expect(engine.streams.every((s) => s.stopped)).toBe(true)
  })
})
