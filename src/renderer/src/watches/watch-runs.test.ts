import { describe, expect, it } from 'vitest'
import type { WatchRun } from '../../../shared/watch'
import { runChartData, runOutcomeText } from './watch-runs'
import { emptyWatchForm, scheduleWords, watchSpecOf } from './watch-form'

function run(overrides: Partial<WatchRun>): WatchRun {
  return {
    id: 'r',
    dueAt: '2026-12-07T06:00:00.000Z',
    trigger: 'schedule',
    decidedAt: '2026-12-07T06:00:00.100Z',
    crawlId: 'c1',
    skipped: null,
    error: null,
    outcome: null,
    ...overrides
  }
}

describe('watch runs in the view', () => {
  it('says how each run went', () => {
    expect(runOutcomeText(run({}))).toBe('running')
    expect(runOutcomeText(run({ crawlId: null }))).toBe('starting')
    expect(runOutcomeText(run({ crawlId: null, skipped: 'busy' }))).toBe('skipped: busy')
    expect(
      runOutcomeText(
        run({ outcome: { state: 'done', total: 40, done: 39, failed: 1, finishedAt: null, changes: null } })
      )
    ).toBe('done · 39 done, 1 failed')
    const changes = { new: 3, changed: 2, unchanged: 33, gone: 1, failed: 1 }
    expect(
      runOutcomeText(run({ outcome: { state: 'done', total: 40, done: 39, failed: 1, finishedAt: null, changes } }))
    ).toBe('done · 39 done, 1 failed · 3 new, 2 changed, 1 gone')
  })

  it('charts ended runs oldest first and marks skipped ones', () => {
    const runs = [
      run({ id: 'c', dueAt: '2026-12-09T06:00:00.000Z', crawlId: null, skipped: 'busy' }),
      run({
        id: 'b',
        dueAt: '2026-12-08T06:00:00.000Z',
        outcome: { state: 'done', total: 5, done: 5, failed: 0, finishedAt: null, changes: null }
      }),
      run({
        id: 'a',
        dueAt: '2026-12-07T06:00:00.000Z',
        outcome: { state: 'done', total: 5, done: 3, failed: 2, finishedAt: null, changes: null }
      })
    ]
    expect(runChartData(runs)).toEqual({
      columns: [
        [1796623200, 1796709600],
        [3, 5],
        [2, 0]
      ],
      markers: [{ x: 1796796000, label: 'skipped' }]
    })
  })

  it('names the schedule in words while it is typed, or its problem', () => {
    const form = emptyWatchForm('Europe/Berlin')
    expect(scheduleWords(form)).toBe('At 07:00, every day (Europe/Berlin)')
    expect(scheduleWords({ ...form, cron: '0 7 * *' })).toMatch(/has 4 fields/)
    expect(scheduleWords({ ...form, kind: 'every', hours: '6' })).toBe('Every 6 hours')
    expect(watchSpecOf({ ...form, sources: [], timeZone: 'Nowhere/City' })).toEqual({
      ok: false,
      problems: {
        sources: 'Pick at least one source',
        schedule: '"Nowhere/City" is not a time zone (use an IANA name such as Europe/Berlin or UTC)'
      }
    })
    expect(watchSpecOf(form)).toEqual({
      ok: true,
      request: {
        sources: ['jobboard'],
        schedule: { kind: 'cron', cron: '0 7 * * *', timeZone: 'Europe/Berlin' },
        crawl: { refresh: false, maxAttempts: 3 },
        webhook: null
      }
    })
    expect(watchSpecOf({ ...form, webhook: ' ftp://hooks.example.com/x ' })).toEqual({
      ok: false,
      problems: { webhook: 'A webhook URL is http or https, not ftp' }
    })
    expect(watchSpecOf({ ...form, webhook: ' https://hooks.example.com/x ' })).toMatchObject({
      ok: true,
      request: { webhook: 'https://hooks.example.com/x' }
    })
  })
})
