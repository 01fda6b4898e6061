import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseBoardSet } from './board-set-config'
import { startBoardSet } from './board-set'
import type { BoardSetStats, RunningBoardSet } from './board-set'
import type { BoardStats } from './server'

let set: RunningBoardSet

beforeAll(async () => {
  set = await startBoardSet({
    host: '127.0.0.1',
    port: 0,
    defaults: { count: 5, seed: 1 },
    boards: parseBoardSet(
      JSON.stringify([
        { name: 'acme', count: 7, seed: 2, port: 0 },
        { name: 'globex', count: 9, seed: 3, limit: '1/60000/7' }
      ])
    )
  })
})

afterAll(() => set?.close())

interface Answer {
  status: number
  retryAfter: string | undefined
  json(): unknown
}

/** A request to the main listener with `host` as its Host header (a network alias in the stack). */
function viaHost(host: string, path: string): Promise<Answer> {
  const main = new URL(set.url)
  return new Promise((resolve, reject) => {
    const req = request({ host: main.hostname, port: main.port, path, headers: { host } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'],
          json: () => JSON.parse(Buffer.concat(chunks).toString('utf8'))
        })
      )
    })
    req.on('error', reject)
    req.end()
  })
}

describe('several boards in one process', () => {
  it('answers each board by its name as the Host, and any other Host as the default board', async () => {
    const total = async (host: string): Promise<number> =>
      ((await viaHost(host, '/jobs.json')).json() as { total: number }).total
    expect(await total('acme:8081')).toBe(7)
    expect(await total('GLOBEX')).toBe(9)
    expect(await total('jobboard:8081')).toBe(5)
    expect(await total('127.0.0.1')).toBe(5)
  })

  it('serves a board on its own port, with its own limit and its own stats', async () => {
    const acme = set.boards.find((b) => b.name === 'acme')!
    expect(acme.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(set.boards.find((b) => b.name === 'globex')!.url).toBeNull()
    expect(((await (await fetch(`${acme.url}/jobs.json`)).json()) as { total: number }).total).toBe(7)
    expect((await fetch(`${acme.url}/`)).status).toBe(200)

    expect((await viaHost('globex', '/')).status).toBe(200)
    const refused = await viaHost('globex', '/')
    expect([refused.status, refused.retryAfter]).toEqual([429, '7'])

    const own = (await viaHost('globex', '/_stats')).json() as BoardStats
    expect(own.site).toMatchObject({ served: 1, refused: 1, maxConcurrency: 1 })
    const all = (await (await fetch(`${acme.url}/_boards`)).json()) as BoardSetStats
    expect(Object.keys(all.boards)).toEqual(['acme', 'globex'])
    expect(all.boards.acme).toMatchObject({ url: acme.url, site: { limit: null, served: 1, refused: 0 } })
    expect(all.boards.globex!.site).toEqual(own.site)
    expect(all.default.site.served).toBe(0)
  })
})
