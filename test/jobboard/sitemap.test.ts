/**
 * The job board's sitemaps read by the crawler's sitemap source, both real: index → pages →
 * ids for 10,000 and 50,001 listings, plain, gzip files and gzip in transit, the public-URL
 * locs of a board in the stack, and streaming (ids arrive before a page has finished).
 */
import { createGzip } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSitemapIds } from '../../src/services/crawler/sources/sitemap.js'
import type { SitemapSkip, SitemapVisit } from '../../src/services/crawler/sources/sitemap.js'
import type { AccessStatsSnapshot } from '../../src/services/jobboard/access-stats.js'
import { startJobBoard } from '../../src/services/jobboard/server.js'
import type { RunningJobBoard } from '../../src/services/jobboard/server.js'
import { startStaticServer } from '../support/static-server.js'

async function readAll(
  url: string,
  template: string,
  options: { matchOrigin?: boolean } = {}
): Promise<{ ids: string[]; skips: SitemapSkip[]; visits: SitemapVisit[] }> {
  const ids: string[] = []
  const skips: SitemapSkip[] = []
  const visits: SitemapVisit[] = []
  for await (const id of readSitemapIds(url, {
    template,
    ...options,
    onSkip: (skip) => skips.push(skip),
    onSitemap: (visit) => visits.push(visit)
  }))
    ids.push(id)
  return { ids, skips, visits }
}

const stats = async (board: RunningJobBoard): Promise<AccessStatsSnapshot> =>
  (await (await fetch(`${board.url}/_stats`)).json()) as AccessStatsSnapshot

describe('job board sitemaps through readSitemapIds (10,000 listings, pages of 3,000)', () => {
  let board: RunningJobBoard
  let catalogIds: string[]
  const template = (): string => `${board.url}/jobs/{id}`

  beforeAll(async () => {
    board = await startJobBoard({ port: 0, count: 10_000, sitemapPageSize: 3_000 })
    catalogIds = board.catalog.entries.map((entry) => entry.id)
  })
  afterAll(async () => board?.close())

  it('lists every listing once, in catalog order, over an index of 4 pages', async () => {
    const before = (await stats(board)).byKind.sitemap
    const { ids, skips, visits } = await readAll(`${board.url}/sitemap.xml`, template())
    expect(ids).toHaveLength(10_000)
    expect(ids).toEqual(catalogIds)
    expect(skips).toEqual([])
    expect(visits).toEqual([
      { url: `${board.url}/sitemap.xml`, depth: 0, kind: 'sitemapindex' },
      ...[1, 2, 3, 4].map((page) => ({ url: `${board.url}/sitemaps/${page}.xml`, depth: 1, kind: 'urlset' }))
    ])
    expect((await stats(board)).byKind.sitemap - before).toBe(5)
  })

  it('serves the same through /sitemap.xml.gz, whose pages are gzip files', async () => {
    const { ids, visits } = await readAll(`${board.url}/sitemap.xml.gz`, template())
    expect(ids).toEqual(catalogIds)
    expect(visits.map((visit) => visit.url)).toEqual([
      `${board.url}/sitemap.xml.gz`,
      ...[1, 2, 3, 4].map((page) => `${board.url}/sitemaps/${page}.xml.gz`)
    ])
    const page = await fetch(`${board.url}/sitemaps/2.xml.gz`)
    expect(page.headers.get('content-type')).toBe('application/gzip')
    expect(page.headers.get('content-encoding')).toBeNull()
    expect([...new Uint8Array(await page.arrayBuffer()).subarray(0, 2)]).toEqual([0x1f, 0x8b])
  })

  it('gzips a plain .xml in transit for a client that accepts it, and not for one that does not', async () => {
    const { request } = await import('node:http')
    const headersFor = (acceptEncoding: string): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        request(`${board.url}/sitemaps/1.xml`, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
          response.resume()
          resolve(response.headers)
        })
          .on('error', reject)
          .end()
      })
    expect(await headersFor('gzip, deflate')).toMatchObject({
      'content-encoding': 'gzip',
      vary: 'Accept-Encoding',
      'content-type': 'application/xml; charset=utf-8'
    })
    expect((await headersFor('identity'))['content-encoding']).toBeUndefined()
  })

  it('answers 404 for a page past the end, and HEAD with headers only', async () => {
    const missing = await fetch(`${board.url}/sitemaps/5.xml`)
    expect(missing.status).toBe(404)
    await missing.arrayBuffer()
    const head = await fetch(`${board.url}/sitemap.xml`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect((await head.arrayBuffer()).byteLength).toBe(0)
  })

  it('counts requests per listing id in /_stats', async () => {
    const [a, b] = [catalogIds[10]!, catalogIds[20]!]
    const before = await stats(board)
    for (const path of [`/jobs/${a}`, `/jobs/${a}`, `/jobs/${b}`, '/jobs/1', '/'])
      await (await fetch(board.url + path)).arrayBuffer()
    const after = await stats(board)
    expect((after.listings[a] ?? 0) - (before.listings[a] ?? 0)).toBe(2)
    expect((after.listings[b] ?? 0) - (before.listings[b] ?? 0)).toBe(1)
    expect(after.unknownListings - before.unknownListings).toBe(1)
    expect(after.byKind.index - before.byKind.index).toBe(1)
    expect(after.byKind.listing - before.byKind.listing).toBe(4)
  })
})

describe('a board in the stack: listing locs on its public URL', () => {
  it('names its pages by the address it was asked on and its listings by the public URL', async () => {
    const board = await startJobBoard({ port: 0, count: 120, sitemapPageSize: 50, publicUrl: 'http://127.0.0.1:18081' })
    try {
      const ids = board.catalog.entries.map((entry) => entry.id)
      // The crawler reaches the board by its service name; the scraper's template says so.
      const asCrawler = await readAll(`${board.url}/sitemap.xml`, 'http://jobboard:8081/jobs/{id}', {
        matchOrigin: false
      })
      expect(asCrawler.ids).toEqual(ids)
      expect(asCrawler.visits.slice(1).map((visit) => visit.url)).toEqual(
        [1, 2, 3].map((page) => `${board.url}/sitemaps/${page}.xml`)
      )
      const strict = await readAll(`${board.url}/sitemap.xml`, 'http://jobboard:8081/jobs/{id}')
      expect(strict.ids).toEqual([])
      expect(strict.skips).toHaveLength(120)
      expect(strict.skips[0]).toMatchObject({
        loc: `http://127.0.0.1:18081/jobs/${ids[0]}`,
        reason: expect.stringContaining('does not match')
      })
    } finally {
      await board.close()
    }
  })
})

describe('the protocol limit: 50,001 listings', () => {
  it('puts 50,000 urls on the first page and the last one on a second, read in bounded memory', async () => {
    const board = await startJobBoard({ port: 0, count: 50_001 })
    try {
      const expected = board.catalog.entries
      const pageBytes = (
        await (await fetch(`${board.url}/sitemaps/1.xml`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()
      ).byteLength
      // Ids are checked as they come and not kept, so the heap measures the reader alone.
      const visits: string[] = []
      let count = 0
      let mismatches = 0
      const baseline = process.memoryUsage().heapUsed
      let peak = 0
      for await (const id of readSitemapIds(`${board.url}/sitemap.xml.gz`, {
        template: `${board.url}/jobs/{id}`,
        onSitemap: (visit) => visits.push(visit.url)
      })) {
        if (id !== expected[count]?.id) mismatches += 1
        count += 1
        if (count % 2_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - baseline)
      }
      expect(count).toBe(50_001)
      expect(mismatches).toBe(0)
      expect(visits).toEqual([
        `${board.url}/sitemap.xml.gz`,
        `${board.url}/sitemaps/1.xml.gz`,
        `${board.url}/sitemaps/2.xml.gz`
      ])
      // Garbage not yet collected makes this noisy (8–13 MiB here), so the bound is loose: it
      // catches a reader that builds a tree of the 4 MiB page (tens of MiB); the streaming test
      // below is what proves no page is held whole.
      console.info(
        `sitemap page 1: ${(pageBytes / 1048576).toFixed(1)} MiB of XML; peak heap growth while reading 50,001 ids: ${(peak / 1048576).toFixed(1)} MiB`
      )
      expect(pageBytes).toBeGreaterThan(4 * 1024 * 1024)
      expect(peak).toBeLessThan(48 * 1024 * 1024)
    } finally {
      await board.close()
    }
  })
})

describe('streaming: ids arrive before a page has finished downloading', () => {
  const ORIGIN_TEMPLATE = 'http://board.test/jobs/{id}'
  const urls = (from: number, to: number): string =>
    Array.from({ length: to - from }, (_, i) => `<url><loc>http://board.test/jobs/${from + i}</loc></url>\n`).join('')
  const firstPart = `<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls(0, 1000)}`
  const secondPart = `${urls(1000, 2000)}</urlset>\n`

  /** Sends `first`, then waits for the test to open the gate, then sends `second`. */
  function gated(
    first: string | Buffer,
    second: string | Buffer
  ): { chunks: AsyncIterable<string | Buffer>; open: () => void } {
    let open!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    return {
      open,
      chunks: (async function* () {
        yield first
        await gate
        yield second
      })()
    }
  }

  async function gzipInTwo(first: string, second: string): Promise<[Buffer, Buffer]> {
    const gzip = createGzip()
    const out: Buffer[] = []
    gzip.on('data', (chunk: Buffer) => out.push(chunk))
    gzip.write(first)
    await new Promise<void>((resolve) => gzip.flush(() => resolve()))
    const head = Buffer.concat(out.splice(0))
    const ended = new Promise<void>((resolve) => gzip.on('end', () => resolve()))
    gzip.end(second)
    await ended
    return [head, Buffer.concat(out)]
  }

  it.each(['plain', 'gzip'] as const)('%s: the first 1,000 ids come while the rest is held back', async (kind) => {
    const [first, second] = kind === 'gzip' ? await gzipInTwo(firstPart, secondPart) : [firstPart, secondPart]
    const body = gated(first, second)
    const server = await startStaticServer({
      routes: { '/sitemap.xml': { headers: { 'content-type': 'application/xml' }, chunks: body.chunks } }
    })
    try {
      const ids: string[] = []
      for await (const id of readSitemapIds(server.url('/sitemap.xml'), { template: ORIGIN_TEMPLATE })) {
        ids.push(id)
        if (ids.length === 1000) {
          // Every id of the first part is out, and the server has sent nothing more.
          expect(server.streamedBytes('/sitemap.xml')).toBe(Buffer.byteLength(first))
          body.open()
        }
      }
      expect(ids).toEqual(Array.from({ length: 2000 }, (_, i) => String(i)))
      expect(server.streamedBytes('/sitemap.xml')).toBe(Buffer.byteLength(first) + Buffer.byteLength(second))
    } finally {
      body.open()
      await server.close()
    }
  })
})
