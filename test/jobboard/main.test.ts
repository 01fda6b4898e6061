import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TSX = `${ROOT}node_modules/.bin/tsx`

/** Runs `npm run service:jobboard`'s entry point with the given env; resolves once it logs its address. */
function startProcess(env: Record<string, string>): {
  child: ReturnType<typeof spawn>
  listening: Promise<string>
  stderr: () => string
} {
  const child = spawn(TSX, ['src/services/jobboard/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  const listening = new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      const match = /"msg":"job board listening","url":"([^"]+)"/.exec(stderr)
      if (match) resolve(match[1]!)
    })
    child.on('exit', (code) => reject(new Error(`job board exited with ${code}: ${stderr}`)))
  })
  // Tests of start-up failures never await `listening`; keep its rejection from being reported as unhandled.
  listening.catch(() => undefined)
  return { child, listening, stderr: () => stderr }
}

describe('service:jobboard process', () => {
  it('serves the configured catalog and exits 0 on SIGTERM', async () => {
    const { child, listening } = startProcess({
      PORT: '0',
      HOST: '127.0.0.1',
      JOBBOARD_SEED: '3',
      JOBBOARD_COUNT: '40'
    })
    try {
      const url = await listening
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const jobs = (await (await fetch(`${url}/jobs.json`)).json()) as { seed: number; total: number }
      expect(jobs).toMatchObject({ seed: 3, total: 40 })
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const [code] = await exited
      expect(code).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })

  it('serves the boards of JOBBOARD_BOARDS, each on its own port when asked, and all their stats at /_boards', async () => {
    const { child, listening, stderr } = startProcess({
      PORT: '0',
      HOST: '127.0.0.1',
      JOBBOARD_BOARDS: '{"defaults":{"count":6,"port":0,"limit":"2/100"},"boards":2}'
    })
    try {
      const url = await listening
      await expect.poll(() => stderr().match(/"msg":"board listening"/g)?.length ?? 0).toBe(2)
      const board = /"board":"board-02","url":"([^"]+)"/.exec(stderr())![1]!
      expect(board).not.toBe(url)
      expect((await fetch(`${board}/`)).status).toBe(200)
      const all = (await (await fetch(`${url}/_boards`)).json()) as {
        boards: Record<string, { url: string; site: { served: number } }>
      }
      expect(Object.keys(all.boards)).toEqual(['board-01', 'board-02'])
      expect(all.boards['board-02']).toMatchObject({ url: board, site: { served: 1 } })
      expect(all.boards['board-01']!.site.served).toBe(0)
    } finally {
      // SIGTERM, not SIGKILL: tsx passes it on to the board, which a SIGKILL of tsx would leave running.
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    }
  })

  it.each([
    [{ JOBBOARD_FAILURE_RATE: '2' }, /JOBBOARD_FAILURE_RATE: Failure rate must be a number from 0 to 1/],
    [{ JOBBOARD_LATENCY_MS: 'slow' }, /JOBBOARD_LATENCY_MS: Latency must be/],
    [{ JOBBOARD_COUNT: 'many' }, /JOBBOARD_COUNT must be a non-negative integer/],
    [{ JOBBOARD_TODAY: 'tomorrow' }, /YYYY-MM-DD/],
    [{ JOBBOARD_SITEMAP_PAGE_SIZE: '50001' }, /Sitemap page size must be a whole number from 1 to 50000/],
    [
      { JOBBOARD_HOSTILE_NESTING: '0', JOBBOARD_HOSTILE_COUNT: '1' },
      /JOBBOARD_HOSTILE_NESTING: Hostile page nesting must be/
    ],
    [{ JOBBOARD_BOARDS: '[{"name":"a","limit":"fast"}]' }, /JOBBOARD_BOARDS: 0\.limit: expected \\"N\/D\\" or/]
  ])('refuses to start with bad settings %j and says why', async (env, message) => {
    const { child, stderr } = startProcess({ PORT: '0', ...env })
    const [code] = await once(child, 'exit')
    expect(code).toBe(1)
    expect(stderr()).toMatch(message)
  })
})
