import { describe, expect, it } from 'vitest'
import type { Watch, WatchRun } from '../../shared/watch'
import { CLAIM_ABANDONED_MS, dueStep, manualStep, settledRun } from './watch-due'

function watch(overrides: Partial<Watch> = {}): Watch {
  return {
    id: 'w1',
    name: 'morning',
    sources: ['jobboard'],
    schedule: { kind: 'cron', cron: '0 7 * * *', timeZone: 'Europe/Berlin' },
    crawl: { refresh: false, maxAttempts: 3 },
    paused: false,
    webhook: null,
    deliveries: [],
    anchorAt: '2026-12-01T00:00:00.000Z',
    nextRunAt: '2026-12-07T06:00:00.000Z',
    runs: [],
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...overrides
  }
}

function run(overrides: Partial<WatchRun> = {}): WatchRun {
  return {
    id: 'r0',
    dueAt: '2026-12-06T06:00:00.000Z',
    trigger: 'schedule',
    decidedAt: '2026-12-06T06:00:00.300Z',
    crawlId: 'crawl-a',
    skipped: null,
    error: null,
    outcome: null,
    ...overrides
  }
}

const startedAt = new Date('2026-12-01T00:00:00Z')

describe('when a watch runs', () => {
  it('waits until its due time, then claims it and moves to the next slot', () => {
    expect(dueStep(watch(), { now: new Date('2026-12-07T05:59:59Z'), startedAt })).toEqual({ kind: 'wait' })
    const step = dueStep(watch(), { now: new Date('2026-12-07T06:00:00.400Z'), startedAt })
    expect(step.kind).toBe('run')
    if (step.kind === 'wait') return
    expect(step.run).toMatchObject({ dueAt: '2026-12-07T06:00:00.000Z', trigger: 'schedule', crawlId: null })
    expect(step.watch.nextRunAt).toBe('2026-12-08T06:00:00.000Z')
    expect(step.watch.runs[0]).toEqual(step.run)
  })

  it('runs once after the stack was down over many slots, recorded as missed', () => {
    // Down from 6 Dec to 10 Dec: the slots of the 7th, 8th, 9th and 10th came while none ran.
    const context = { now: new Date('2026-12-10T09:00:00Z'), startedAt: new Date('2026-12-10T08:59:58Z') }
    const step = dueStep(watch(), context)
    expect(step.kind).toBe('run')
    if (step.kind === 'wait') return
    expect(step.run).toMatchObject({ dueAt: '2026-12-07T06:00:00.000Z', trigger: 'missed' })
    expect(step.watch.nextRunAt).toBe('2026-12-11T06:00:00.000Z')
    expect(dueStep(step.watch, { ...context, now: new Date('2026-12-10T09:00:01Z') })).toEqual({ kind: 'wait' })
  })

  it('skips a slot while the previous run still runs, and says why', () => {
    const busy = watch({ runs: [run()] })
    const step = dueStep(busy, { now: new Date('2026-12-07T06:00:01Z'), startedAt })
    expect(step.kind).toBe('skip')
    if (step.kind === 'wait') return
    expect(step.run).toMatchObject({
      dueAt: '2026-12-07T06:00:00.000Z',
      crawlId: null,
      skipped: "the previous run's crawl crawl-a is still running"
    })
    expect(step.watch.nextRunAt).toBe('2026-12-08T06:00:00.000Z')
    expect(step.watch.runs.map((r) => r.id)).toEqual([step.run.id, 'r0'])
  })

  it('starts when the previous run ended, was skipped or failed to start', () => {
    const now = new Date('2026-12-07T06:00:01Z')
    const ended = run({ outcome: { state: 'done', total: 3, done: 3, failed: 0, finishedAt: null, changes: null } })
    expect(dueStep(watch({ runs: [ended] }), { now, startedAt }).kind).toBe('run')
    expect(dueStep(watch({ runs: [run({ crawlId: null, skipped: 'busy' })] }), { now, startedAt }).kind).toBe('run')
    expect(dueStep(watch({ runs: [run({ crawlId: null, error: 'no source' })] }), { now, startedAt }).kind).toBe('run')
  })

  it('does nothing while paused', () => {
    expect(
      dueStep(watch({ paused: true, nextRunAt: null }), { now: new Date('2026-12-09T00:00:00Z'), startedAt })
    ).toEqual({
      kind: 'wait'
    })
  })

  it('runs now without touching the schedule, under the same overlap rule', () => {
    const now = new Date('2026-12-07T03:00:00Z')
    const idle = manualStep(watch(), now)
    expect(idle.kind).toBe('run')
    expect(idle.run).toMatchObject({ trigger: 'manual', dueAt: '2026-12-07T03:00:00.000Z' })
    expect(idle.watch.nextRunAt).toBe('2026-12-07T06:00:00.000Z')
    expect(manualStep(watch({ runs: [run()] }), now).kind).toBe('skip')
  })

  it("writes the crawl's end into its run, and closes a run its coordinator left without a crawl", () => {
    const now = new Date('2026-12-07T06:10:00Z')
    const changes = { new: 1, changed: 1, unchanged: 2, gone: 0, failed: 1 }
    expect(
      settledRun(run(), { state: 'running', total: 5, done: 1, failed: 0, finishedAt: null, changes: null }, now)
    ).toBeNull()
    expect(
      settledRun(
        run(),
        { state: 'done', total: 5, done: 4, failed: 1, finishedAt: '2026-12-07T06:09:00.000Z', changes },
        now
      )?.outcome
    ).toEqual({ state: 'done', total: 5, done: 4, failed: 1, finishedAt: '2026-12-07T06:09:00.000Z', changes })
    expect(settledRun(run(), null, now)?.outcome?.state).toBe('deleted')
    const claimed = run({ crawlId: null, decidedAt: '2026-12-07T06:09:30.000Z' })
    expect(settledRun(claimed, undefined, now)).toBeNull()
    const abandoned = settledRun(claimed, undefined, new Date(Date.parse(claimed.decidedAt) + CLAIM_ABANDONED_MS))
    expect(abandoned?.error).toBe('the coordinator stopped before it started the crawl')
  })
})
