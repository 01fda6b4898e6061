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
import { StatsWatches } from './stats-watch'

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
    engine: { requireConnected: async () => undefined, host: async () => ({ cores: 2, cpuBusyCores: 0.5, memoryTotalBytes: 10, memoryAvailableBytes: 5, containersRunning: 2 }) },
    watches,
    serviceLimits: () => ({ scraper: { memoryBytes: 4, cpus: null } }),
    notificationSettings
  })
  const backend: SessionBackend = {
    handle: ((operation: OperationName, request: never, client: never) => (handlers as Record<string, (r: never, c: never) => Promise<unknown>>)[operation]!(request, client)) as SessionBackend['handle'],
    on: () => () => undefined,
    mask: secretMasker()
  }
  const events: PanelEvent[] = []
  const session = new PanelSession(backend, (event) => events.push(event))
  return { session, events, streams, watches }
}

describe('fleet handlers', () => {
  it('a stats follow gets its service’s readings, and ends with statsEnd when its client goes', async () => {
    const { session, events, streams, watches } = setup()
    const follow = await session.invoke('statsFollow', { service: 'scraper' })
    expect(follow.ok).toBe(true)
    await Promise.resolve()
    streams.get('d-scraper-1')?.push(reading('d-scraper-1', 'scraper'))
    streams.get('d-api-1')?.push(reading('d-api-1', 'api'))
    expect(events.filter((e) => e.event === 'statsSample').map((e) => (e.payload as { stats: ContainerStats }).stats.container)).toEqual(['d-scraper-1'])
    session.dispose()
    expect(watches.openStreams()).toEqual([])
    expect([...streams.values()].every((s) => s.stopped)).toBe(true)
  })

  it('statsUnfollow stops the follow and says so', async () => {
    const { session, events } = setup()
    const follow = await session.invoke('statsFollow', {})
    if (!follow.ok) throw new Error('follow failed')
    const { followId } = follow.value as { followId: string }
    expect(await session.invoke('statsUnfollow', { followId })).toEqual({ ok: true, value: { stopped: true } })
    expect(events.at(-1)).toEqual({ event: 'statsEnd', payload: { followId, reason: 'stopped' } })
    expect(session.openStreams()).toEqual([])
  })

  it('hostInfo adds the limits from compose.yaml to what the engine says', async () => {
    const { session } = setup()
    expect(await session.invoke('hostInfo', {})).toEqual({
      ok: true,
      value: { cores: 2, cpuBusyCores: 0.5, memoryTotalBytes: 10, memoryAvailableBytes: 5, containersRunning: 2, serviceLimits: { scraper: { memoryBytes: 4, cpus: null } } }
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
