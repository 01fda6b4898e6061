import { describe, expect, it } from 'vitest'
import type { Watch, WatchRun } from '../../shared/watch'
import { endedRuns } from './watch-scheduler'

const run = (id: string, over: Partial<WatchRun> = {}): WatchRun => ({
  id,
  dueAt: '2026-12-07T07:00:00Z',
  trigger: 'schedule',
  decidedAt: '2026-12-07T07:00:00Z',
  crawlId: `c-${id}`,
  skipped: null,
  error: null,
  outcome: null,
  ...over
})
const outcome = {
  state: 'done' as const,
  total: 3,
  done: 3,
  failed: 0,
  finishedAt: '2026-12-07T07:01:00Z',
  changes: null
}
const watch = (runs: WatchRun[]): Watch => ({
  id: 'w-1',
  name: 'w',
  sources: ['jobboard'],
  schedule: { kind: 'every', hours: 6 },
  crawl: { refresh: false, maxAttempts: 3 },
  paused: false,
  webhook: null,
  deliveries: [],
  anchorAt: '2026-12-07T00:00:00Z',
  nextRunAt: null,
  runs,
  createdAt: '2026-12-07T00:00:00Z',
  updatedAt: '2026-12-07T00:00:00Z'
})

describe('endedRuns', () => {
  it('names the runs closed by this write only, not those already ended or skipped', () => {
    const before = watch([
      run('a'),
      run('b', { outcome }),
      run('c', { skipped: 'previous still running', crawlId: null })
    ])
    const after = watch([
      run('a', { outcome }),
      run('b', { outcome }),
      run('c', { skipped: 'previous still running', crawlId: null })
    ])
    expect(endedRuns(before, after).map((r) => r.id)).toEqual(['a'])
    expect(endedRuns(after, after)).toEqual([])
  })
})
