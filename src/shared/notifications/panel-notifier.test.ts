import { describe, expect, it } from 'vitest'
import type { EventName, PanelApi, StackStatus } from '../contract'
import { startNotifier } from './panel-notifier'
import { DEFAULT_NOTIFICATION_SETTINGS } from './notification-settings'
import type { NotificationSettings, PanelNotice } from './notification-settings'

/** A PanelApi that answers config and crawlList and lets the test push events. */
function fakeApi(): PanelApi & { push: (event: EventName, payload: unknown) => void } {
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  return {
    invoke: (async (operation: string) => {
      if (operation === 'config') return { ok: true, value: { scraperService: 'scraper' } }
      return { ok: false, error: { kind: 'CrawlerUnavailable', message: 'down', hint: null } }
    }) as PanelApi['invoke'],
    on: ((event: string, listener: (p: unknown) => void) => {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      return () => set.delete(listener)
    }) as PanelApi['on'],
    push: (event, payload) => {
      for (const l of listeners.get(event) ?? []) l(payload)
    }
  }
}

const running = {
  services: [
    { containers: [{ id: '1', name: 'd-api-1', service: 'api', state: 'running', health: 'none', exitCode: null }] }
  ],
  orphans: []
}
const exited = {
  services: [
    { containers: [{ id: '1', name: 'd-api-1', service: 'api', state: 'exited', health: 'none', exitCode: 1 }] }
  ],
  orphans: []
}

describe('startNotifier', () => {
  it('shows what the rules say, minus the kinds switched off, and stops with its stop function', () => {
    const api = fakeApi()
    const shown: PanelNotice[] = []
    let settings: NotificationSettings = DEFAULT_NOTIFICATION_SETTINGS
    const stop = startNotifier({ api, settings: () => settings, show: (n) => shown.push(n), crawlPollMs: 60_000 })
    api.push('status', running as unknown as StackStatus)
    api.push('status', exited as unknown as StackStatus)
    expect(shown.map((n) => n.title)).toEqual(['d-api-1 exited'])
    settings = { ...settings, kinds: { ...settings.kinds, autoscaleStep: false } }
    api.push('autoscaleDecision', {
      at: 0,
      service: 'scraper',
      current: 1,
      desired: 2,
      action: 'up',
      formula: 'f',
      reason: 'r',
      outcome: null
    })
    expect(shown).toHaveLength(1)
    settings = DEFAULT_NOTIFICATION_SETTINGS
    stop()
    api.push('autoscaleDecision', {
      at: 0,
      service: 'scraper',
      current: 1,
      desired: 2,
      action: 'up',
      formula: 'f',
      reason: 'r',
      outcome: null
    })
    expect(shown).toHaveLength(1)
  })

  it('rate-limits a kind and says how many it held back', () => {
    const api = fakeApi()
    const shown: PanelNotice[] = []
    let clock = 0
    const settings = { ...DEFAULT_NOTIFICATION_SETTINGS, maxPerKindPerMinute: 1 }
    const stop = startNotifier({
      api,
      settings: () => settings,
      show: (n) => shown.push(n),
      crawlPollMs: 60_000,
      now: () => clock
    })
    const step = {
      at: 0,
      service: 'scraper',
      current: 1,
      desired: 2,
      action: 'up',
      formula: 'f',
      reason: 'r',
      outcome: null
    }
    api.push('autoscaleDecision', step)
    api.push('autoscaleDecision', step)
    api.push('autoscaleDecision', step)
    clock = 61_000
    api.push('autoscaleDecision', step)
    expect(shown.map((n) => n.body)).toEqual(['f; r', 'f; r (2 more like it held back)'])
    stop()
  })
})
