import { describe, expect, it } from 'vitest'
import { UsageError, parseCli } from './cli-args'
import { formatWatch } from './watch-format'
import type { Watch } from '../../shared/watch'

describe('deck watch', () => {
  it('adds a watch of sources on a cron schedule in a time zone', () => {
    expect(
      parseCli([
        'watch',
        'add',
        '--source',
        'jobboard',
        '--source',
        'acme',
        '--cron',
        '0 7 * * *',
        '--tz',
        'Europe/Berlin'
      ])
    ).toEqual({
      operation: 'watchAdd',
      request: {
        sources: ['jobboard', 'acme'],
        schedule: { kind: 'cron', cron: '0 7 * * *', timeZone: 'Europe/Berlin' },
        crawl: {}
      },
      json: false
    })
  })

  it('takes a webhook for its health alerts on add and edit, --no-webhook to drop it, and show --reveal', () => {
    expect(
      parseCli(['watch', 'add', '--source', 'jobboard', '--every', '6h', '--webhook', 'http://127.0.0.1:9/h'])
    ).toMatchObject({ operation: 'watchAdd', request: { webhook: 'http://127.0.0.1:9/h' } })
    expect(parseCli(['watch', 'edit', 'w-1', '--no-webhook'])).toEqual({
      operation: 'watchEdit',
      request: { id: 'w-1', edit: { webhook: null } },
      json: false
    })
    expect(() => parseCli(['watch', 'edit', 'w-1', '--no-webhook', '--webhook', 'http://x/'])).toThrow(
      'watch edit takes --webhook or --no-webhook, not both'
    )
    expect(() => parseCli(['watch', 'add', '--source', 'jobboard', '--every', '6h', '--no-webhook'])).toThrow(
      /does not take --no-webhook/
    )
    expect(parseCli(['watch', 'show', 'w-1', '--reveal'])).toMatchObject({ request: { id: 'w-1', reveal: true } })
    expect(parseCli(['watch', 'show', 'w-1'])).toMatchObject({ request: { id: 'w-1', reveal: false } })
  })

  it('adds one every N hours, with crawl options and --json', () => {
    expect(
      parseCli(['watch', 'add', '--source', 'jobboard', '--every', '6h', '--refresh', '--max-attempts', '2', '--json'])
    ).toEqual({
      operation: 'watchAdd',
      request: {
        sources: ['jobboard'],
        schedule: { kind: 'every', hours: 6 },
        crawl: { refresh: true, maxAttempts: 2 }
      },
      json: true
    })
  })

  it('maps the other subcommands to their operations', () => {
    expect(parseCli(['watch', 'list'])).toMatchObject({ operation: 'watchList', request: {} })
    expect(parseCli(['watch', 'show', 'w-1a2b3c4d'])).toMatchObject({
      operation: 'watchGet',
      request: { id: 'w-1a2b3c4d' }
    })
    expect(parseCli(['watch', 'run', 'w-1'])).toMatchObject({
      operation: 'watchAction',
      request: { id: 'w-1', action: 'run' }
    })
    expect(parseCli(['watch', 'pause', 'w-1'])).toMatchObject({ request: { action: 'pause' } })
    expect(parseCli(['watch', 'remove', 'w-1'])).toMatchObject({ operation: 'watchRemove' })
    expect(parseCli(['watch', 'edit', 'w-1', '--every', '12'])).toMatchObject({
      operation: 'watchEdit',
      request: { id: 'w-1', edit: { schedule: { kind: 'every', hours: 12 } } }
    })
  })

  it('says what is missing or wrong', () => {
    expect(() => parseCli(['watch', 'add', '--cron', '0 7 * * *'])).toThrow(
      new UsageError('watch add needs --source NAME (one or more)')
    )
    expect(() => parseCli(['watch', 'add', '--source', 'jobboard'])).toThrow(
      'watch add needs --cron EXPR [--tz ZONE] or --every Nh'
    )
    expect(() => parseCli(['watch', 'add', '--source', 'a', '--cron', '0 7 * * *', '--every', '6h'])).toThrow(
      'watch add takes --cron or --every, not both'
    )
    expect(() => parseCli(['watch', 'add', '--source', 'a', '--every', 'daily'])).toThrow(
      'watch add: --every "daily" is not a number of hours (for example --every 6h)'
    )
    expect(() => parseCli(['watch', 'add', '--source', 'a', '--every', '6h', '--tz', 'UTC'])).toThrow(
      'watch add: --tz goes with --cron'
    )
    expect(() => parseCli(['watch', 'show'])).toThrow('watch show takes <watch id>')
  })

  it('shows a watch with its schedule in words and its runs', () => {
    const watch: Watch = {
      id: 'w-1a2b3c4d',
      name: 'mornings',
      sources: ['jobboard'],
      schedule: { kind: 'cron', cron: '0 7 * * *', timeZone: 'Europe/Berlin' },
      crawl: { refresh: false, maxAttempts: 3 },
      paused: false,
      webhook: null,
      deliveries: [],
      anchorAt: '2026-12-01T00:00:00.000Z',
      nextRunAt: '2026-12-09T06:00:00.000Z',
      runs: [
        {
          id: 'r2',
          dueAt: '2026-12-08T06:00:00.000Z',
          trigger: 'schedule',
          decidedAt: '2026-12-08T06:00:00.100Z',
          crawlId: null,
          skipped: "the previous run's crawl c1 is still running",
          error: null,
          outcome: null
        },
        {
          id: 'r1',
          dueAt: '2026-12-07T06:00:00.000Z',
          trigger: 'missed',
          decidedAt: '2026-12-07T09:00:00.100Z',
          crawlId: 'c1',
          skipped: null,
          error: null,
          outcome: { state: 'done', total: 40, done: 39, failed: 1, finishedAt: null, changes: null }
        }
      ],
      createdAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-08T06:00:00.100Z'
    }
    expect(formatWatch(watch)).toBe(
      [
        'w-1a2b3c4d "mornings" (active)',
        '  sources       jobboard',
        '  schedule      At 07:00, every day (Europe/Berlin)  [0 7 * * *]',
        '  next run      2026-12-09T06:00:00.000Z',
        '  crawl         refresh no, max attempts 3',
        '  webhook       none',
        '  runs (newest first):',
        "    2026-12-08T06:00:00.000Z (schedule) skipped: the previous run's crawl c1 is still running",
        '    2026-12-07T06:00:00.000Z (missed) crawl c1: done, 39 done, 1 failed of 40'
      ].join('\n')
    )
  })
})
