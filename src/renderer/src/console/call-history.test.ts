import { describe, expect, it } from 'vitest'
import {
  HISTORY_LIMIT,
  HISTORY_STORAGE_BUDGET_CHARS,
  HISTORY_STORAGE_KEY,
  addToHistory,
  loadHistory,
  saveHistory
} from './call-history'
import type { HistoryEntry } from './call-history'

function entry(n: number, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: `e${n}`,
    at: new Date(n * 1000).toISOString(),
    service: 'greeter',
    method: 'hello',
    args: `["${n}"]`,
    kwargs: '',
    timeoutSeconds: '30',
    outcome: { kind: 'result', tookMs: n },
    ...overrides
  }
}

/** localStorage's two methods over a Map, with an optional quota in characters. */
function storage(quota = Infinity): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => {
      if (value.length > quota) throw new DOMException('quota', 'QuotaExceededError')
      map.set(key, value)
    }
  } as unknown as Storage & { map: Map<string, string> }
}

describe('the console history', () => {
  it('is newest first and bounded', () => {
    let history: HistoryEntry[] = []
    for (let n = 1; n <= HISTORY_LIMIT + 5; n++) history = addToHistory(history, entry(n))
    expect(history).toHaveLength(HISTORY_LIMIT)
    expect(history[0]?.id).toBe(`e${HISTORY_LIMIT + 5}`)
    expect(history.at(-1)?.id).toBe('e6')
  })

  it('a call made again moves to the top with its new outcome instead of adding a copy', () => {
    const history = [entry(1), entry(2), entry(3)].reduce<HistoryEntry[]>(addToHistory, [])
    const again = entry(9, {
      args: '["1"]',
      outcome: { kind: 'error', errorKind: 'RpcRemoteError', excType: 'ValueError', tookMs: 4 }
    })
    const next = addToHistory(history, again)
    expect(next.map((e) => e.id)).toEqual(['e9', 'e3', 'e2'])
    expect(next[0]?.outcome).toEqual({ kind: 'error', errorKind: 'RpcRemoteError', excType: 'ValueError', tookMs: 4 })
    // Another timeout is another call.
    expect(addToHistory(next, entry(10, { args: '["2"]', timeoutSeconds: '5' }))).toHaveLength(4)
  })

  it('survives a reload: what is saved is loaded back as it was', () => {
    const store = storage()
    const history = [
      entry(2),
      entry(1, {
        kwargs: '{"a": 1}',
        outcome: { kind: 'error', errorKind: 'RpcTimeout', excType: null, tookMs: 30_000 }
      })
    ]
    expect(saveHistory(store, history)).toEqual({ kept: 2 })
    expect(loadHistory(store)).toEqual(history)
  })

  it('reads nothing or garbage as an empty history, and leaves out entries it cannot read', () => {
    expect(loadHistory(storage())).toEqual([])
    const store = storage()
    store.map.set(HISTORY_STORAGE_KEY, '{not json')
    expect(loadHistory(store)).toEqual([])
    store.map.set(HISTORY_STORAGE_KEY, '{"an": "object"}')
    expect(loadHistory(store)).toEqual([])
    store.map.set(HISTORY_STORAGE_KEY, JSON.stringify([entry(1), { id: 'old-shape', service: 3 }, entry(2)]))
    expect(loadHistory(store).map((e) => e.id)).toEqual(['e1', 'e2'])
  })

  it('stores only the newest entries that fit its budget', () => {
    const store = storage()
    const big = 'x'.repeat(Math.floor(HISTORY_STORAGE_BUDGET_CHARS / 3))
    const history = [
      entry(4, { args: `["${big}"]` }),
      entry(3, { args: `["${big}"]` }),
      entry(2, { args: `["${big}"]` }),
      entry(1)
    ]
    expect(saveHistory(store, history)).toEqual({ kept: 2 })
    expect(loadHistory(store).map((e) => e.id)).toEqual(['e4', 'e3'])
    expect((store.map.get(HISTORY_STORAGE_KEY) ?? '').length).toBeLessThanOrEqual(HISTORY_STORAGE_BUDGET_CHARS)
  })

  it('over the browser’s quota it keeps fewer, down to none, and never throws', () => {
    const history = Array.from({ length: 8 }, (_, i) => entry(8 - i))
    const one = JSON.stringify([entry(1)]).length
    const tight = storage(one * 3)
    const { kept } = saveHistory(tight, history)
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(8)
    expect(loadHistory(tight).map((e) => e.id)).toEqual(history.slice(0, kept).map((e) => e.id))
    expect(saveHistory(storage(1), history)).toEqual({ kept: 0 })
  })
})
