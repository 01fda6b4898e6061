import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { readSitemapIds } from './sitemap'
import type { ReadSitemapOptions, SitemapSkip, SitemapVisit } from './sitemap'
import { CrawlSourceError } from './source-error'

// A fetch fake over canned bodies (pure logic: the real board and a slow server are in test/jobboard).
type Canned = string | Uint8Array | Response | (() => Response)
const SITE = 'http://board.test'
const TEMPLATE = `${SITE}/jobs/{id}`

function fakeFetch(routes: Record<string, Canned>): { fetchImpl: typeof fetch; requested: string[] } {
  const requested: string[] = []
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input)
    requested.push(url)
    if (init?.signal?.aborted) throw init.signal.reason
    const route = routes[url]
    if (route === undefined) return new Response('not here', { status: 404, statusText: 'Not Found' })
    if (typeof route === 'function') return route()
    if (route instanceof Response) return route
    return new Response(route as ConstructorParameters<typeof Response>[0], {
      headers: { 'content-type': 'application/xml' }
    })
  }) as typeof fetch
  return { fetchImpl, requested }
}

const urlset = (locs: readonly string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${locs.map((loc) => `<url><loc>${loc}</loc></url>`).join('\n')}\n</urlset>`
const index = (locs: readonly string[]): string =>
  `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((loc) => `<sitemap><loc>${loc}</loc></sitemap>`).join('')}</sitemapindex>`

async function collect(
  url: string,
  options: Partial<ReadSitemapOptions> & Pick<ReadSitemapOptions, 'fetchImpl'>
): Promise<{ ids: string[]; skips: SitemapSkip[] }> {
  const ids: string[] = []
  const skips: SitemapSkip[] = []
  for await (const id of readSitemapIds(url, { template: TEMPLATE, onSkip: (skip) => skips.push(skip), ...options }))
    ids.push(id)
  return { ids, skips }
}

async function failure(run: Promise<unknown>): Promise<CrawlSourceError> {
  const error = await run.then(
    () => null,
    (caught: unknown) => caught
  )
  expect(error).toBeInstanceOf(CrawlSourceError)
  return error as CrawlSourceError
}

describe('readSitemapIds: a urlset', () => {
  it('yields the ids of matching locs in order and reports the others with a reason', async () => {
    const body = `<?xml version="1.0"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc>
      ${SITE}/jobs/200001
  </loc><lastmod>2026-11-30</lastmod>
    <image:image><image:loc>${SITE}/jobs/999999</image:loc></image:image></url>
  <url><loc><![CDATA[${SITE}/jobs/200398]]></loc></url>
  <url><loc>${SITE}/about?a=1&amp;b=2</loc></url>
  <url><loc>${SITE}/jobs/bad%20id</loc></url>
  <url><loc>http://elsewhere.test/jobs/5</loc></url>
  <url><loc>${SITE}/jobs/200795</loc></url>
</urlset>`
    const { fetchImpl } = fakeFetch({ [`${SITE}/sitemap.xml`]: body })
    const { ids, skips } = await collect(`${SITE}/sitemap.xml`, { fetchImpl })
    expect(ids).toEqual(['200001', '200398', '200795'])
    expect(skips).toEqual([
      {
        loc: `${SITE}/about?a=1&b=2`,
        sitemap: `${SITE}/sitemap.xml`,
        reason: `does not match the listing URL template ${SITE}/jobs/<id>`
      },
      {
        loc: `${SITE}/jobs/bad%20id`,
        sitemap: `${SITE}/sitemap.xml`,
        reason: expect.stringContaining('contains a space')
      },
      {
        loc: 'http://elsewhere.test/jobs/5',
        sitemap: `${SITE}/sitemap.xml`,
        reason: expect.stringContaining('does not match')
      }
    ])
  })

  it('reads a sitemap without the namespace, and yields a repeated id each time', async () => {
    const { fetchImpl } = fakeFetch({
      [`${SITE}/s.xml`]: `<urlset><url><loc>${SITE}/jobs/1</loc></url><url><loc>${SITE}/jobs/1</loc></url></urlset>`
    })
    expect((await collect(`${SITE}/s.xml`, { fetchImpl })).ids).toEqual(['1', '1'])
  })

  it('takes listings only from urlset/url/loc and sitemaps only from sitemapindex/sitemap/loc', async () => {
    const { fetchImpl, requested } = fakeFetch({
      [`${SITE}/s.xml`]: `<urlset><sitemap><loc>${SITE}/other.xml</loc></sitemap><url><loc>${SITE}/jobs/1</loc></url></urlset>`,
      [`${SITE}/i.xml`]: `<sitemapindex><url><loc>${SITE}/jobs/2</loc></url></sitemapindex>`
    })
    expect((await collect(`${SITE}/s.xml`, { fetchImpl })).ids).toEqual(['1'])
    expect((await collect(`${SITE}/i.xml`, { fetchImpl })).ids).toEqual([])
    expect(requested).toEqual([`${SITE}/s.xml`, `${SITE}/i.xml`])
  })

  it('reads a sitemap that starts with a byte order mark', async () => {
    const { fetchImpl } = fakeFetch({ [`${SITE}/s.xml`]: `\uFEFF${urlset([`${SITE}/jobs/1`])}` })
    expect((await collect(`${SITE}/s.xml`, { fetchImpl })).ids).toEqual(['1'])
  })

  it('never expands entities a DOCTYPE declares (no entity bombs, no external files)', async () => {
    const { fetchImpl } = fakeFetch({
      [`${SITE}/bomb.xml`]: `<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><urlset><url><loc>${SITE}/jobs/&b;</loc></url></urlset>`,
      [`${SITE}/xxe.xml`]: `<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/hostname">]><urlset><url><loc>${SITE}/jobs/&e;</loc></url></urlset>`
    })
    for (const path of ['bomb.xml', 'xxe.xml'])
      expect((await failure(collect(`${SITE}/${path}`, { fetchImpl }))).message).toMatch(/undefined entity/)
  })

  it('yields nothing for an empty urlset', async () => {
    const { fetchImpl } = fakeFetch({
      [`${SITE}/s.xml`]: '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
    })
    expect(await collect(`${SITE}/s.xml`, { fetchImpl })).toEqual({ ids: [], skips: [] })
  })
})

describe('readSitemapIds: indexes and gzip', () => {
  it('reads each sitemap of an index in turn, gzip ones by their magic bytes', async () => {
    const { fetchImpl, requested } = fakeFetch({
      [`${SITE}/sitemap.xml`]: index([`${SITE}/sitemaps/1.xml`, `${SITE}/sitemaps/2.xml.gz`, `${SITE}/sitemaps/3.xml`]),
      [`${SITE}/sitemaps/1.xml`]: urlset([`${SITE}/jobs/1`, `${SITE}/jobs/2`]),
      [`${SITE}/sitemaps/2.xml.gz`]: gzipSync(urlset([`${SITE}/jobs/3`])),
      // Gzip under a plain name, as some servers send it.
      [`${SITE}/sitemaps/3.xml`]: gzipSync(urlset([`${SITE}/jobs/4`]))
    })
    const visits: SitemapVisit[] = []
    const { ids } = await collect(`${SITE}/sitemap.xml`, { fetchImpl, onSitemap: (visit) => visits.push(visit) })
    expect(ids).toEqual(['1', '2', '3', '4'])
    expect(requested).toEqual([
      `${SITE}/sitemap.xml`,
      `${SITE}/sitemaps/1.xml`,
      `${SITE}/sitemaps/2.xml.gz`,
      `${SITE}/sitemaps/3.xml`
    ])
    expect(visits).toEqual([
      { url: `${SITE}/sitemap.xml`, depth: 0, kind: 'sitemapindex' },
      { url: `${SITE}/sitemaps/1.xml`, depth: 1, kind: 'urlset' },
      { url: `${SITE}/sitemaps/2.xml.gz`, depth: 1, kind: 'urlset' },
      { url: `${SITE}/sitemaps/3.xml`, depth: 1, kind: 'urlset' }
    ])
  })

  it('skips a sitemap the index lists twice or that points back at an index already read', async () => {
    const { fetchImpl, requested } = fakeFetch({
      [`${SITE}/a.xml`]: index([`${SITE}/b.xml`, `${SITE}/b.xml`, `${SITE}/a.xml`]),
      [`${SITE}/b.xml`]: index([`${SITE}/a.xml`, `${SITE}/c.xml`]),
      [`${SITE}/c.xml`]: urlset([`${SITE}/jobs/9`])
    })
    const { ids, skips } = await collect(`${SITE}/a.xml`, { fetchImpl })
    expect(ids).toEqual(['9'])
    expect(requested).toEqual([`${SITE}/a.xml`, `${SITE}/b.xml`, `${SITE}/c.xml`])
    expect(skips.map((skip) => skip.reason)).toEqual(Array(3).fill(expect.stringContaining('already read')))
  })

  it('refuses indexes nested deeper than maxDepth', async () => {
    const { fetchImpl } = fakeFetch({
      [`${SITE}/0.xml`]: index([`${SITE}/1.xml`]),
      [`${SITE}/1.xml`]: index([`${SITE}/2.xml`]),
      [`${SITE}/2.xml`]: urlset([`${SITE}/jobs/1`])
    })
    expect((await collect(`${SITE}/0.xml`, { fetchImpl, maxDepth: 2 })).ids).toEqual(['1'])
    const error = await failure(collect(`${SITE}/0.xml`, { fetchImpl, maxDepth: 1 }))
    expect(error.kind).toBe('InvalidCrawl')
    expect(error.message).toBe(
      `The sitemap index ${SITE}/1.xml is nested too deep: it is at level 2 of indexes, and at most 1 are followed`
    )
  })

  it('stops with a clear error past maxUrls, counting skipped locs too', async () => {
    const { fetchImpl } = fakeFetch({ [`${SITE}/s.xml`]: urlset([`${SITE}/jobs/1`, `${SITE}/x`, `${SITE}/jobs/2`]) })
    const ids: string[] = []
    const error = await failure(
      (async () => {
        for await (const id of readSitemapIds(`${SITE}/s.xml`, { template: TEMPLATE, fetchImpl, maxUrls: 2 }))
          ids.push(id)
      })()
    )
    expect(ids).toEqual(['1'])
    expect(error.message).toBe(`The sitemap ${SITE}/s.xml takes the crawl over 2 urls`)
  })
})

describe('readSitemapIds: errors name the URL and what went wrong', () => {
  it('an HTTP error status: 4xx is the crawl at fault, 5xx the source', async () => {
    const { fetchImpl } = fakeFetch({
      [`${SITE}/busy.xml`]: () => new Response('busy', { status: 503, statusText: 'Service Unavailable' })
    })
    const missing = await failure(collect(`${SITE}/nope.xml`, { fetchImpl }))
    expect(missing.kind).toBe('InvalidCrawl')
    expect(missing.message).toBe(`The sitemap ${SITE}/nope.xml answered HTTP 404 Not Found`)
    const busy = await failure(collect(`${SITE}/busy.xml`, { fetchImpl }))
    expect(busy.kind).toBe('SourceUnavailable')
    expect(busy.message).toBe(`The sitemap ${SITE}/busy.xml answered HTTP 503 Service Unavailable`)
  })

  it('a web page, another XML document, text that is not XML, corrupt gzip', async () => {
    const page = new Response('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>Hi</body></html>', {
      headers: { 'content-type': 'text/html' }
    })
    const { fetchImpl } = fakeFetch({
      [`${SITE}/page`]: page,
      [`${SITE}/feed.xml`]: '<rss version="2.0"><channel/></rss>',
      [`${SITE}/text`]: 'just some text',
      [`${SITE}/broken.xml`]: `<urlset><url><loc>${SITE}/jobs/1</loc></url>`,
      [`${SITE}/corrupt.xml.gz`]: gzipSync(urlset([`${SITE}/jobs/1`])).subarray(0, 40)
    })
    const expectations: [string, RegExp][] = [
      [
        'page',
        /page is a web page: its root element is <html>, not <urlset> or <sitemapindex> \(Content-Type text\/html\)/
      ],
      ['feed.xml', /feed.xml is not a sitemap: its root element is <rss>/],
      ['text', /text is not a readable XML sitemap: .*text/],
      ['broken.xml', /broken.xml is not a readable XML sitemap: .*unclosed tag/],
      ['corrupt.xml.gz', /Could not read the sitemap .*corrupt.xml.gz: its gzip data is corrupt or cut short/]
    ]
    for (const [path, message] of expectations) {
      const error = await failure(collect(`${SITE}/${path}`, { fetchImpl }))
      expect(error.kind).toBe('InvalidCrawl')
      expect(error.message).toMatch(message)
    }
  })

  it('a network failure is SourceUnavailable with the cause', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
      })
    }) as typeof fetch
    const error = await failure(collect(`${SITE}/s.xml`, { fetchImpl }))
    expect(error.kind).toBe('SourceUnavailable')
    expect(error.message).toBe(`Could not fetch the sitemap ${SITE}/s.xml: ECONNREFUSED`)
  })

  it('a body that stops sending is SourceUnavailable after the idle timeout', async () => {
    const stalled = (): Response =>
      new Response(
        new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('<urlset>')) })
      )
    const { fetchImpl } = fakeFetch({ [`${SITE}/slow.xml`]: stalled })
    // The fake ignores the signal once the body is handed over, as a stuck server would: the reader must give up on its own.
    const error = await failure(collect(`${SITE}/slow.xml`, { fetchImpl, idleTimeoutMs: 50 }))
    expect(error.kind).toBe('SourceUnavailable')
    expect(error.message).toMatch(/slow.xml: no data for 50 ms/)
  })

  it('a sitemap over the byte limit', async () => {
    const { fetchImpl } = fakeFetch({
      [`${SITE}/big.xml`]: urlset(Array.from({ length: 100 }, (_, i) => `${SITE}/jobs/${i}`))
    })
    const error = await failure(collect(`${SITE}/big.xml`, { fetchImpl, maxBytesPerSitemap: 1000 }))
    expect(error.message).toBe(`The sitemap ${SITE}/big.xml is larger than 1000 bytes uncompressed`)
  })

  it('a sitemap URL that is not http(s)', async () => {
    const { fetchImpl } = fakeFetch({})
    expect((await failure(collect('file:///etc/passwd', { fetchImpl }))).message).toBe(
      'The sitemap URL "file:///etc/passwd" is not http or https'
    )
    expect((await failure(collect('sitemap.xml', { fetchImpl }))).message).toMatch(/is not an absolute URL/)
  })
})

describe('readSitemapIds: streaming', () => {
  it('yields an id before the rest of the body has arrived, and cancels the body when the caller stops', async () => {
    const encoder = new TextEncoder()
    let controller!: ReadableStreamDefaultController<Uint8Array>
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c
        c.enqueue(encoder.encode(`<urlset><url><loc>${SITE}/jobs/1</loc></url>`))
      },
      cancel() {
        cancelled = true
      }
    })
    const { fetchImpl } = fakeFetch({ [`${SITE}/s.xml`]: new Response(body) })
    const ids = readSitemapIds(`${SITE}/s.xml`, { template: TEMPLATE, fetchImpl })
    // Only the first chunk has been sent; the body is still open.
    expect(await ids.next()).toEqual({ done: false, value: '1' })
    controller.enqueue(encoder.encode(`<url><loc>${SITE}/jobs/2</loc></url>`))
    expect(await ids.next()).toEqual({ done: false, value: '2' })
    await ids.return()
    expect(cancelled).toBe(true)
  })

  it('stops when the signal aborts, throwing its reason', async () => {
    const abort = new AbortController()
    const { fetchImpl } = fakeFetch({ [`${SITE}/s.xml`]: urlset([`${SITE}/jobs/1`, `${SITE}/jobs/2`]) })
    const ids: string[] = []
    const reason = new Error('crawl cancelled')
    const run = (async () => {
      for await (const id of readSitemapIds(`${SITE}/s.xml`, { template: TEMPLATE, fetchImpl, signal: abort.signal })) {
        ids.push(id)
        abort.abort(reason)
      }
    })()
    await expect(run).rejects.toBe(reason)
    expect(ids).toEqual(['1'])
  })
})
