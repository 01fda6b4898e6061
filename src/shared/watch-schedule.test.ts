import { describe, expect, it } from 'vitest'
import { cronProblem, describeSchedule, nextRunAfter, scheduleProblem, timeZoneProblem } from './watch-schedule'
import { WatchScheduleSchema } from './watch'

const anchor = new Date('2026-12-01T00:00:00.000Z')

describe('watch schedules', () => {
  it('reads a daily cron in its time zone, across the spring DST change', () => {
    const berlin = { kind: 'cron', cron: '0 7 * * *', timeZone: 'Europe/Berlin' } as const
    // Winter: 07:00 Berlin is 06:00 UTC; after 29 March, 05:00 UTC.
    expect(nextRunAfter(berlin, new Date('2026-12-07T12:00:00Z'), anchor).toISOString()).toBe(
      '2026-12-08T06:00:00.000Z'
    )
    expect(nextRunAfter(berlin, new Date('2026-03-28T12:00:00Z'), anchor).toISOString()).toBe(
      '2026-03-29T05:00:00.000Z'
    )
    // Exactly at a due time, the next is the following day's.
    expect(nextRunAfter(berlin, new Date('2026-12-08T06:00:00Z'), anchor).toISOString()).toBe(
      '2026-12-09T06:00:00.000Z'
    )
  })

  it('reads the same cron in New York and UTC as different instants', () => {
    const at = new Date('2026-12-07T12:00:00Z')
    expect(
      nextRunAfter({ kind: 'cron', cron: '0 7 * * *', timeZone: 'America/New_York' }, at, anchor).toISOString()
    ).toBe('2026-12-08T12:00:00.000Z')
    expect(nextRunAfter({ kind: 'cron', cron: '30 6 * * 1-5', timeZone: 'UTC' }, at, anchor).toISOString()).toBe(
      '2026-12-08T06:30:00.000Z'
    )
  })

  it('takes six fields, seconds first', () => {
    const every5s = { kind: 'cron', cron: '*/5 * * * * *', timeZone: 'UTC' } as const
    expect(nextRunAfter(every5s, new Date('2026-12-07T12:00:03.200Z'), anchor).toISOString()).toBe(
      '2026-12-07T12:00:05.000Z'
    )
  })

  it('counts every N hours from its anchor, not from when it was looked at', () => {
    const every6h = { kind: 'every', hours: 6 } as const
    expect(nextRunAfter(every6h, new Date('2026-12-01T00:00:00Z'), anchor).toISOString()).toBe(
      '2026-12-01T06:00:00.000Z'
    )
    expect(nextRunAfter(every6h, new Date('2026-12-01T13:17:00Z'), anchor).toISOString()).toBe(
      '2026-12-01T18:00:00.000Z'
    )
    expect(nextRunAfter(every6h, new Date('2026-11-30T20:00:00Z'), anchor).toISOString()).toBe(
      '2026-12-01T00:00:00.000Z'
    )
  })

  it('says what is wrong with a cron expression or a time zone', () => {
    expect(cronProblem('0 7 * * *')).toBeNull()
    expect(cronProblem('61 * * * *')).toBe('"61 * * * *": Invalid value for minute: 61')
    expect(cronProblem('0 7 * *')).toBe(
      '"0 7 * *" has 4 fields; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first)'
    )
    expect(timeZoneProblem('Europe/Berlin')).toBeNull()
    expect(timeZoneProblem('Mars/Olympus')).toBe(
      '"Mars/Olympus" is not a time zone (use an IANA name such as Europe/Berlin or UTC)'
    )
    expect(scheduleProblem({ kind: 'every', hours: 0 })).toBe('every N hours takes a whole N ≥ 1')
  })

  it('refuses a bad schedule in the contract with the reason and an example', () => {
    const bad = WatchScheduleSchema.safeParse({ kind: 'cron', cron: '0 25 * * *', timeZone: 'UTC' })
    expect(bad.success).toBe(false)
    expect(bad.error?.issues[0]?.message).toMatch(
      /^"0 25 \* \* \*": Invalid value for hour: 25\. For example \{ "kind": "cron", "cron": "0 7 \* \* \*"/
    )
    const zone = WatchScheduleSchema.safeParse({ kind: 'cron', cron: '0 7 * * *', timeZone: 'Berlin' })
    expect(zone.error?.issues[0]?.message).toMatch(/^"Berlin" is not a time zone/)
    expect(WatchScheduleSchema.parse({ kind: 'cron', cron: '0 7 * * *' })).toEqual({
      kind: 'cron',
      cron: '0 7 * * *',
      timeZone: 'UTC'
    })
  })

  it('puts a schedule in words', () => {
    expect(describeSchedule({ kind: 'cron', cron: '0 7 * * *', timeZone: 'Europe/Berlin' })).toBe(
      'At 07:00, every day (Europe/Berlin)'
    )
    expect(describeSchedule({ kind: 'cron', cron: '30 6 * * 1-5', timeZone: 'UTC' })).toBe(
      'At 06:30, Monday through Friday (UTC)'
    )
    expect(describeSchedule({ kind: 'every', hours: 6 })).toBe('Every 6 hours')
    expect(describeSchedule({ kind: 'every', hours: 1 })).toBe('Every hour')
  })
})
