/**
 * scrapeListing against a real HTTP server on 127.0.0.1: the fixture pages, and a source
 * that answers 404/410/500, stalls, streams a huge body, loops redirects or drops the line.
 */
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scrapeListing } from '../../src/services/scraper/scrape-listing'
import type { ScrapeOptions } from '../../src/services/scraper/scrape-listing'
import { startStaticServer } from '../support/static-server'
import type { StaticServer } from '../support/static-server'

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))
const MiB = 1024 * 1024
const COMPRESSED_PAGE = '<script type="application/ld+json">{"@type":"JobPosting","title":"Squeezed"}</script>'

let source: StaticServer
let elsewhere: StaticServer
let options: ScrapeOptions

beforeAll(async () => {
  elsewhere = await startStaticServer({
    routes: { '/jobs/x': { body: '<h1>Elsewhere</h1><a href="/apply">Apply</a>' } }
  })
  source = await startStaticServer({
    root: FIXTURES,
    routes: {
      '/jobs/gone-404': { status: 404, body: 'Not here' },
      '/jobs/gone-410': { status: 410, body: 'Closed' },
      '/jobs/broken-500': { status: 500, body: 'Internal Server Error' },
      '/jobs/forbidden': { status: 403, body: 'Forbidden' },
      '/jobs/slow': { delayMs: 3000, body: '<h1>too late</h1>' },
      '/jobs/trickle': { stream: { totalBytes: 1 * MiB, chunkBytes: 1024, chunkDelayMs: 100 } },
      '/jobs/huge': { stream: { totalBytes: 200 * MiB } },
      '/jobs/huge-declared': { stream: { totalBytes: 200 * MiB, declareLength: true } },
      '/jobs/loop': { redirect: '/jobs/loop' },
      '/jobs/hop-1': { redirect: '/jobs/hop-2', status: 301 },
      '/jobs/hop-2': { redirect: '/pages/workday-plain.html', status: 307 },
      '/jobs/offsite': () => ({ redirect: `${elsewhere.origin}/jobs/x` }),
      '/jobs/no-location': { status: 302 },
      '/jobs/dropped': { destroy: true },
      '/jobs/gzip': { headers: { 'content-encoding': 'gzip' }, body: gzipSync(COMPRESSED_PAGE) },
      '/jobs/br': { headers: { 'content-encoding': 'br' }, body: brotliCompressSync(COMPRESSED_PAGE) },
      // 64 MiB of spaces in about 64 KiB on the wire.
      '/jobs/gzip-bomb': { headers: { 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(64 * MiB, 32)) },
      '/jobs/zstd': { headers: { 'content-encoding': 'zstd' }, body: 'not read' },
      '/jobs/pdf': { headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.7' },
      '/jobs/latin1': {
        headers: { 'content-type': 'text/html; charset=iso-8859-1' },
        body: Buffer.from(
          '<script type="application/ld+json">{"@type":"JobPosting","title":"Ingénieur","description":"Café"}</script>',
          'latin1'
        )
      }
    }
  })
  options = {
    sourceUrlTemplate: `${source.origin}/pages/{id}`,
    timeoutMs: 1000,
    maxBytes: 1 * MiB,
    now: () => new Date('2024-11-05T12:00:00Z')
  }
})

afterAll(async () => {
  await source?.close()
  await elsewhere?.close()
})

function jobs(): ScrapeOptions {
  return { ...options, sourceUrlTemplate: `${source.origin}/jobs/{id}` }
}

describe('scrapeListing over HTTP', () => {
  it('scrapes a fixture page into a Listing, with our user agent', async () => {
    const listing = await scrapeListing('greenhouse-range', options)
    expect(listing).toMatchObject({
      ID: 'greenhouse-range',
      title: 'Senior Backend Engineer',
      company: 'Northwind Labs',
      salary: { min: 165000, max: 210000, currency: 'USD', unit: 'YEAR' },
      url: `${source.origin}/pages/greenhouse-range`,
      scrapedAt: '2024-11-05T12:00:00.000Z',
      extractedFrom: 'json-ld'
    })
    expect(source.requests.at(-1)?.headers['user-agent']).toMatch(/^scrapedeck-scraper\//)
  })

  it('follows same-origin redirects and reports the final URL', async () => {
    const listing = await scrapeListing('hop-1', jobs())
    expect(listing.title).toBe('Maintenance Technician II')
    expect(listing.url).toBe(`${source.origin}/pages/workday-plain.html`)
  })

  it('decodes the page in the charset the server declares', async () => {
    const listing = await scrapeListing('latin1', jobs())
    expect(listing.title).toBe('Ingénieur')
    expect(listing.description).toBe('Café')
  })

  it.each(['gzip', 'br'])('asks for compressed pages and reads one sent as %s', async (id) => {
    await expect(scrapeListing(id, jobs())).resolves.toMatchObject({ title: 'Squeezed' })
    expect(source.requests.at(-1)?.headers['accept-encoding']).toBe('gzip, deflate, br')
  })

  it('stops inflating a compressed page at maxBytes of the page, not of the wire', async () => {
    await expect(scrapeListing('gzip-bomb', jobs())).rejects.toMatchObject({
      name: 'PageTooLarge',
      message: expect.stringMatching(/larger than the 1048576-byte limit \(stopped reading after \d+ bytes\)/)
    })
  })

  it('names an encoding it cannot read', async () => {
    await expect(scrapeListing('zstd', jobs())).rejects.toMatchObject({
      name: 'SourceUnavailable',
      message: expect.stringContaining('an encoding the scraper cannot read (zstd)')
    })
  })

  it.each([
    ['gone-404', 404],
    ['gone-410', 410]
  ])('answers %s with ListingNotFound', async (id, status) => {
    await expect(scrapeListing(id, jobs())).rejects.toMatchObject({
      name: 'ListingNotFound',
      excPath: 'scrapedeck.scraper.ListingNotFound',
      message: `No listing at ${source.origin}/jobs/${id}: the source answered ${status}`
    })
  })

  it.each([
    ['broken-500', /answered 500 Internal Server Error/],
    ['forbidden', /answered 403 Forbidden/],
    ['dropped', /request failed/],
    ['loop', /more than 5 redirects/],
    ['no-location', /302 without a Location header/]
  ])('answers %s with SourceUnavailable', async (id, message) => {
    await expect(scrapeListing(id, jobs())).rejects.toMatchObject({ name: 'SourceUnavailable', message })
  })

  it('stops a redirect loop at the cap: the first request plus maxRedirects more', async () => {
    const before = source.requests.length
    await expect(scrapeListing('loop', { ...jobs(), maxRedirects: 2 })).rejects.toThrow(/more than 2 redirects/)
    expect(source.requests.length - before).toBe(3)
  })

  it('does not follow a redirect to another origin', async () => {
    await expect(scrapeListing('offsite', jobs())).rejects.toMatchObject({
      name: 'SourceUnavailable',
      message: expect.stringContaining(`redirected to another origin (${elsewhere.origin}/jobs/x)`)
    })
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('reports an unreachable source as SourceUnavailable with the network reason', async () => {
    const closed = await startStaticServer({})
    const origin = closed.origin
    await closed.close()
    await expect(scrapeListing('1', { ...options, sourceUrlTemplate: `${origin}/jobs/{id}` })).rejects.toMatchObject({
      name: 'SourceUnavailable',
      message: expect.stringContaining('ECONNREFUSED')
    })
  })

  it('gives up on a source that does not answer in time', async () => {
    const started = Date.now()
    await expect(scrapeListing('slow', { ...jobs(), timeoutMs: 300 })).rejects.toMatchObject({
      name: 'SourceTimeout',
      message: `${source.origin}/jobs/slow did not answer in full within 300 ms (SCRAPER_TIMEOUT_MS)`
    })
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('gives up on a body that trickles in past the deadline', async () => {
    const started = Date.now()
    await expect(scrapeListing('trickle', { ...jobs(), timeoutMs: 500 })).rejects.toMatchObject({
      name: 'SourceTimeout'
    })
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('stops reading a huge streamed page at maxBytes instead of buffering it', async () => {
    const started = Date.now()
    await expect(scrapeListing('huge', jobs())).rejects.toMatchObject({
      name: 'PageTooLarge',
      message: expect.stringMatching(/larger than the 1048576-byte limit \(stopped reading after \d+ bytes\)/)
    })
    // The server wrote at most the cap plus what the socket buffers hold, not 200 MiB.
    await new Promise((done) => setTimeout(done, 100))
    const written = source.streamedBytes('/jobs/huge')
    console.info(`huge page: server wrote ${(written / MiB).toFixed(1)} MiB of 200 MiB before the scraper hung up`)
    expect(written).toBeLessThan(16 * MiB)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('refuses a page whose Content-Length is over the cap before reading it', async () => {
    await expect(scrapeListing('huge-declared', jobs())).rejects.toMatchObject({
      name: 'PageTooLarge',
      message: expect.stringContaining(`Content-Length says ${200 * MiB} bytes`)
    })
    await new Promise((done) => setTimeout(done, 100))
    expect(source.streamedBytes('/jobs/huge-declared')).toBeLessThan(16 * MiB)
  })

  it.each(['../admin', 'a/b', '..', 'a?x=1', ''])('refuses the id %j before any request', async (id) => {
    const before = source.requests.length
    await expect(scrapeListing(id, jobs())).rejects.toMatchObject({
      name: 'InvalidListingId',
      excPath: 'scrapedeck.scraper.InvalidListingId'
    })
    expect(source.requests.length).toBe(before)
  })

  it('answers a page that is not a job listing with NotAJobListing', async () => {
    await expect(scrapeListing('blog-post', options)).rejects.toMatchObject({
      name: 'NotAJobListing',
      message: expect.stringContaining(`${source.origin}/pages/blog-post is not a job listing`)
    })
    await expect(scrapeListing('pdf', jobs())).rejects.toMatchObject({
      name: 'NotAJobListing',
      message: expect.stringContaining('application/pdf')
    })
  })
})
