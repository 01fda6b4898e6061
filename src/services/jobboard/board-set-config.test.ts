import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { boardSetFromEnv, parseBoardSet } from './board-set-config'

describe('JOBBOARD_BOARDS', () => {
  it('reads a list of boards, each with its own settings, seeds by position', () => {
    const boards = parseBoardSet(
      JSON.stringify([
        { name: 'acme', count: 12, latencyMs: '50-400', limit: '2/250/5', port: 0 },
        { name: 'globex', seed: 9, latencyMs: 30, limit: { maxInFlight: 1, minGapMs: 1000 }, refuseFor: '3000/5' },
        { name: 'initech', failureRate: 0.1, limit: null, robots: { disallow: ['/jobs/2001'], crawlDelay: 1 } }
      ])
    )
    expect(boards).toEqual([
      {
        name: 'acme',
        port: 0,
        host: null,
        options: {
          seed: 1,
          count: 12,
          latency: { minMs: 50, maxMs: 400 },
          limit: { maxInFlight: 2, minGapMs: 250, retryAfterS: 5 }
        }
      },
      {
        name: 'globex',
        port: null,
        host: null,
        options: {
          seed: 9,
          latency: { minMs: 30, maxMs: 30 },
          limit: { maxInFlight: 1, minGapMs: 1000, retryAfterS: 1 },
          refuseFor: { forMs: 3000, retryAfterS: 5 }
        }
      },
      {
        name: 'initech',
        port: null,
        host: null,
        options: {
          seed: 3,
          failureRate: 0.1,
          limit: null,
          robots: { disallow: ['/jobs/2001'], crawlDelayS: 1, status: 200 }
        }
      }
    ])
  })

  it('makes N numbered boards from defaults, a board overriding what it names', () => {
    const boards = parseBoardSet(JSON.stringify({ defaults: { count: 20, limit: '2/250', port: 0 }, boards: 3 }))
    expect(boards.map((b) => [b.name, b.port, b.options.seed, b.options.count, b.options.limit?.minGapMs])).toEqual([
      ['board-01', 0, 1, 20, 250],
      ['board-02', 0, 2, 20, 250],
      ['board-03', 0, 3, 20, 250]
    ])
    const [fast] = parseBoardSet(
      JSON.stringify({ defaults: { count: 20, limit: '2/250' }, boards: [{ name: 'fast', limit: null }] })
    )
    expect(fast!.options).toEqual({ seed: 1, count: 20, limit: null })
  })

  it.each([
    ['{"boards":', /^JOBBOARD_BOARDS: not JSON .*e\.g\. \{"defaults"/],
    ['[]', /^JOBBOARD_BOARDS: the boards: list at least one board/],
    ['[{"name":"Acme_1"}]', /^JOBBOARD_BOARDS: 0\.name: a board name is a host name/],
    ['[{"name":"a","limit":"fast"}]', /^JOBBOARD_BOARDS: 0\.limit: .*expected "N\/D" or "N\/D\/R"/],
    ['[{"name":"a","limit":{"maxInFlight":0,"minGapMs":100}}]', /^JOBBOARD_BOARDS: 0\.limit/],
    ['[{"name":"a","latencyMs":"slow"}]', /^JOBBOARD_BOARDS: 0\.latencyMs: Latency must be/],
    ['[{"name":"a","failureRate":2}]', /^JOBBOARD_BOARDS: 0\.failureRate: Failure rate must be a number from 0 to 1/],
    [
      '[{"name":"a","robots":{"disallow":["jobs"]}}]',
      /^JOBBOARD_BOARDS: 0\.robots: disallow\.0: a disallowed path starts with "\/"/
    ],
    ['[{"name":"a","colour":"red"}]', /^JOBBOARD_BOARDS: 0: .*colour/],
    ['{"boards":21}', /^JOBBOARD_BOARDS: boards/],
    ['[{"name":"a"},{"name":"a"}]', /two boards are named "a"/],
    ['[{"name":"a","port":9000},{"name":"b","port":9000}]', /boards "a" and "b" both ask for port 9000/],
    ['[{"name":"a","host":"localhost","port":0}]', /^JOBBOARD_BOARDS: 0\.host: an IP address to listen on/],
    ['[{"name":"a","host":"127.0.0.2"}]', /board "a" has a host but no port/]
  ])('refuses %s and says where and why', (text, message) => {
    expect(() => parseBoardSet(text)).toThrow(message)
  })

  it('lets boards share a port on distinct addresses', () => {
    const boards = parseBoardSet(
      '[{"name":"a","host":"127.0.0.2","port":9000},{"name":"b","host":"127.0.0.3","port":9000}]'
    )
    expect(boards.map((b) => [b.host, b.port])).toEqual([
      ['127.0.0.2', 9000],
      ['127.0.0.3', 9000]
    ])
  })

  it('comes from JOBBOARD_BOARDS or the file JOBBOARD_BOARDS_FILE names, not both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'boards-'))
    const file = join(dir, 'boards.json')
    writeFileSync(file, '{"boards":2}')
    expect(boardSetFromEnv({})).toEqual([])
    expect(boardSetFromEnv({ JOBBOARD_BOARDS_FILE: file }).map((b) => b.name)).toEqual(['board-01', 'board-02'])
    expect(() => boardSetFromEnv({ JOBBOARD_BOARDS_FILE: file, JOBBOARD_BOARDS: '{"boards":1}' })).toThrow(/both set/)
    expect(() => boardSetFromEnv({ JOBBOARD_BOARDS_FILE: join(dir, 'nope.json') })).toThrow(
      /^JOBBOARD_BOARDS_FILE: cannot read .*nope\.json/
    )
    writeFileSync(file, '{"boards":0}')
    expect(() => boardSetFromEnv({ JOBBOARD_BOARDS_FILE: file })).toThrow(/^JOBBOARD_BOARDS_FILE \(.*\): boards/)
  })
})
