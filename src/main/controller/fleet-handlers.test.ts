import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ContainerStats, OperationName, PanelEvent } from '../../shared/contract'
import { PanelSession } from '../session/panel-session'
import { secretMasker } from '../../shared/secret-mask'
import type { SessionBackend } from '../session/panel-session'
import { NotificationSettingsFile } from '../notifications/settings-file'
import { fleetHandlers } from './fleet-handlers'
import type { FleetParts } from './fleet-handlers'
import { StatsWatches, statsStreamSource } from './stats-watch'
import type { StreamSources } from './stream-source'

function reading(container: string, service: string): ContainerStats {
  return { container, service, cpuPercent: 1, memoryBytes: 2, memoryLimitBytes: 3, read: new Date().toISOString() }
}

/** The fleet handlers behind a real session, over a fake engine whose streams the test feeds. */
function setup(notificationSettings: FleetParts['notificationSettings'] = null) {
  const streams = new Map<string, { push: (r: ContainerStats) => void; stopped: boolean }>()
  const watches = new StatsWatches(
    {
      followStats: async (source, onReading) => {
        const stream = { push: onReading, stopped: false }
        streams.set(source.name, stream)
        return () => {
          stream.stopped = true
        }
      }
    },
    async () => [
      { id: '1', name: 'd-scraper-1', service: 'scraper' },
      { id: '2', name: 'd-api-1', service: 'api' }
    ],
    { minIntervalMs: 0 }
  )
  const handlers = fleetHandlers({
    engine: {
      requireConnected: async () => undefined,
      host: async () => ({
        cores: 2,
        cpuBusyCores: 0.5,
        memoryTotalBytes: 10,
        memoryAvailableBytes: 5,
        containersRunning: 2
      })
    },
    serviceLimits: () => ({ scraper: { memoryBytes: 4, cpus: null } }),
    notificationSettings
  })
  const elsewhere = async (): Promise<never> => {
    throw new Error('not a fleet stream')
  }
  const sources: StreamSources = {
    stats: statsStreamSource(watches),
    logs: elsewhere,
    crawl: elsewhere,
    stackLogs: elsewhere,
    hosts: elsewhere
  }
  const backend: SessionBackend = {
    handle: ((operation: OperationName, request: never) =>
      (handlers as Record<string, (r: never) => Promise<unknown>>)[operation]!(request)) as SessionBackend['handle'],
    on: () => () => undefined,
    mask: secretMasker(),
    streams: sources
  }
  const events: PanelEvent[] = []
  const session = new PanelSession(backend, (event) => events.push(event))
  return { session, events, streams, watches }
}

describe('fleet handlers', () => {
  it('a stats stream gets its service’s readings, and its engine streams close when its client goes', async () => {
    const { session, events, streams, watches } = setup()
    const follow = await session.invoke('streamOpen', { kind: 'stats', params: { service: 'scraper' } })
    expect(follow.ok).toBe(true)
    await Promise.resolve()
    streams.get('d-scraper-1')?.push(reading('d-scraper-1', 'scraper'))
    streams.get('d-api-1')?.push(reading('d-api-1', 'api'))
    const items = events.flatMap((e) =>
      e.event === 'streamData' && e.payload.kind === 'stats' ? [e.payload.items] : []
    )
    // The first items are the (empty) history when it opened; then the scraper's reading alone.
    expect(items.map((batch) => batch.map((r) => r.container))).toEqual([[], ['d-scraper-1']])
    session.dispose()
    expect(watches.openStreams()).toEqual([])
    expect([...streams.values()].every((s) => s.stopped)).toBe(true)
  })

  it('a stats stream opened again sends the kept readings first, none when it resumes; streamClose ends it', async () => {
    const { session, events, streams, watches } = setup()
    const first = await session.invoke('streamOpen', { kind: 'stats', params: {}, streamId: 'first' })
    expect(first).toEqual({ ok: true, value: { streamId: 'first' } })
    await Promise.resolve()
    streams.get('d-api-1')?.push(reading('d-api-1', 'api'))
    await session.invoke('streamOpen', { kind: 'stats', params: {}, streamId: 'again' })
    await session.invoke('streamOpen', { kind: 'stats', params: {}, streamId: 'resumed', resume: true })
    const firstItems = (id: string): string[] | undefined => {
      const data = events.find((e) => e.event === 'streamData' && e.payload.streamId === id)
      return data?.event === 'streamData'
        ? data.payload.items.map((r) => ('container' in r ? r.container : '?'))
        : undefined
    }
    expect(firstItems('again')).toEqual(['d-api-1'])
    expect(firstItems('resumed')).toEqual([])
    expect(await session.invoke('streamClose', { streamId: 'first' })).toEqual({ ok: true, value: { closed: true } })
    expect(events.at(-1)).toEqual({ event: 'streamEnd', payload: { streamId: 'first', reason: 'closed' } })
    expect(session.openStreams().sort()).toEqual(['again', 'resumed'])
    await session.invoke('streamClose', { streamId: 'again' })
    await session.invoke('streamClose', { streamId: 'resumed' })
    expect(watches.openStreams()).toEqual([])
  })

  it('hostInfo adds the limits from compose.yaml to what the engine says', async () => {
    const { session } = setup()
    expect(await session.invoke('hostInfo', {})).toEqual({
      ok: true,
      value: {
        cores: 2,
        cpuBusyCores: 0.5,
        memoryTotalBytes: 10,
        memoryAvailableBytes: 5,
        containersRunning: 2,
        serviceLimits: { scraper: { memoryBytes: 4, cpus: null } }
      }
    })
  })

  it('notification settings: refused with a hint where the shell keeps none, validated and kept where it does', async () => {
    const without = await setup().session.invoke('notificationSettings', {})
    expect(without.ok ? null : without.error.kind).toBe('NotificationSettingsUnavailable')
    const file = join(mkdtempSync(join(tmpdir(), 'deck-fleet-')), 'notifications.json')
    const { session } = setup(new NotificationSettingsFile(file))
    const bad = await session.invoke('setNotificationSettings', { backlogThreshold: -1 })
    expect(bad.ok ? null : bad.error.kind).toBe('InvalidRequest')
    const saved = await session.invoke('setNotificationSettings', { backlogThreshold: 25 })
    expect(saved.ok && (saved.value as { backlogThreshold: number }).backlogThreshold).toBe(25)
    const read = await session.invoke('notificationSettings', {})
    expect(read.ok && (read.value as { kinds: Record<string, boolean> }).kinds['crawlFinished']).toBe(true)
    expect(read.ok && (read.value as { backlogThreshold: number }).backlogThreshold).toBe(25)
  })
})
