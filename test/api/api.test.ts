/**
 * The REST API over HTTP, with the real Elasticsearch and an in-process scrape function
 * that throws the scraper's and the RPC layer's real error classes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApi } from '../../src/services/api/server'
import type { RunningApi } from '../../src/services/api/server'
import type { Listing } from '../../src/shared/listing'
import type { ApiErrorBody } from '../../src/shared/lookup'
import type { ListingSearchResult } from '../../src/shared/listing-search'
import { BrokerUnavailable, RemoteError, RpcTimeout, UnknownService } from '../../src/services/rpc/errors'
import {
  ListingNotFound,
  NotAJobListing,
  PageTooLarge,
  SourceTimeout,
  SourceUnavailable
} from '../../src/services/scraper/scrape-errors'
import { ES_URL, makeListing, uniqueId, uniqueIndex } from '../listings/fixtures'
import { capturingLogger, get } from './api-client'

const index = uniqueIndex('api')
const scrapes: string[] = []
const log = capturingLogger()
let api: RunningApi

/** The id's prefix picks the failure, so each test can ask for the one it checks. */
async function scrape(id: string): Promise<Listing> {
  scrapes.push(id)
  const url = `http://127.0.0.1:9/jobs/${id}`
  if (id.startsWith('gone-')) throw new ListingNotFound(url, 404)
  if (id.startsWith('notjob-')) throw new NotAJobListing(url, 'no JobPosting on the page')
  if (id.startsWith('down-')) throw new SourceUnavailable(url, 'ECONNREFUSED')
  if (id.startsWith('huge-')) throw new PageTooLarge(url, 1000, '2000 bytes')
  if (id.startsWith('pyerr-')) throw new RemoteError('ValueError', 'builtins.ValueError', 'unexpected page')
  if (id.startsWith('slowsrc-')) throw new SourceTimeout(url, 100)
  if (id.startsWith('slowrpc-')) throw new RpcTimeout('scraper', 'get_job_listing_info', 100)
  if (id.startsWith('nobroker-')) throw new BrokerUnavailable('Not connected to the AMQP broker')
  if (id.startsWith('noscraper-')) throw new UnknownService('scraper')
  if (id.startsWith('search-')) {
    const n = Number(id.split('-')[1])
    return makeListing(id, searchListings[n] ?? {})
  }
  return makeListing(id)
}

const searchTag = uniqueId('tag').replace('-', '')
const searchListings: Partial<Listing>[] = [
  {
    title: 'Platform Engineer',
    description: `Run our ${searchTag} Kubernetes clusters and keep <deploys> boring.`,
    skills: ['Kubernetes', 'Go'],
    company: 'Orbital Freight'
  },
  {
    title: 'Frontend Developer',
    description: `Ship React screens for the ${searchTag} dashboard.`,
    skills: ['React', 'TypeScript'],
    company: 'Acme Widgets'
  },
  {
    title: 'Data Engineer',
    description: 'Pipelines in Python.',
    skills: ['Python', 'Kubernetes'],
    company: 'Orbital Freight'
  }
]

beforeAll(async () => {
  api = await startApi({ port: 0, elasticsearchUrl: ES_URL, index, scrape, logger: log.logger })
})

afterAll(async () => {
  await api?.listings.repository.deleteIndex()
  await api?.close()
})

describe('GET /joblisting/:id', () => {
  it('answers a miss from the scraper, then the same listing from the cache', async () => {
    const id = uniqueId()
    const firstAt = Date.now()
    const first = await get<Listing>(api.url, `/joblisting/${id}`)
    expect(first.status).toBe(200)
    expect(first.headers.get('x-scrapedeck-source')).toBe('scrape')
    expect(first.headers.get('x-scrapedeck-cache')).toBe('ok')
    expect(first.headers.get('age')).toBeNull()
    expect(first.body.ID).toBe(id)

    const second = await get<Listing>(api.url, `/joblisting/${id}`)
    expect(second.status).toBe(200)
    expect(second.headers.get('x-scrapedeck-source')).toBe('cache')
    // Whole seconds since it was stored: present, and no older than this test's first request.
    expect(second.headers.get('age')).toMatch(/^\d+$/)
    expect(Number(second.headers.get('age'))).toBeLessThanOrEqual(Math.ceil((Date.now() - firstAt) / 1000))
    expect(second.body).toEqual(first.body)
    expect(scrapes.filter((s) => s === id)).toHaveLength(1)
  })

  it('re-scrapes with ?refresh=1', async () => {
    const id = uniqueId()
    await get(api.url, `/joblisting/${id}`)
    const refreshed = await get(api.url, `/joblisting/${id}?refresh=1`)
    expect(refreshed.status).toBe(200)
    expect(refreshed.headers.get('x-scrapedeck-source')).toBe('scrape')
    expect(scrapes.filter((s) => s === id)).toHaveLength(2)
    const bad = await get<ApiErrorBody>(api.url, `/joblisting/${id}?refresh=maybe`)
    expect(bad.status).toBe(400)
    expect(bad.body.error.kind).toBe('InvalidParameter')
  })

  const errorCases: [string, number, string][] = [
    ['gone-', 404, 'ListingNotFound'],
    ['notjob-', 422, 'NotAJobListing'],
    ['down-', 502, 'SourceUnavailable'],
    ['huge-', 502, 'PageTooLarge'],
    ['pyerr-', 502, 'RpcRemoteError'],
    ['nobroker-', 503, 'BrokerUnavailable'],
    ['noscraper-', 503, 'RpcUnknownService'],
    ['slowsrc-', 504, 'SourceTimeout'],
    ['slowrpc-', 504, 'RpcTimeout']
  ]
  it.each(errorCases)('answers a %s failure with %i %s as JSON', async (prefix, status, kind) => {
    const res = await get<ApiErrorBody>(api.url, `/joblisting/${uniqueId(prefix.slice(0, -1))}`)
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.body.error.kind).toBe(kind)
    expect(res.body.error.message).not.toBe('')
    expect(res.body.error.hint).not.toBe('')
  })

  it('refuses invalid ids with 400 before scraping', async () => {
    const before = scrapes.length
    for (const path of [
      '/joblisting/a%2Fb',
      `/joblisting/${'x'.repeat(65)}`,
      '/joblisting/',
      '/joblisting/bad%zz',
      '/joblisting/sp%20ace'
    ]) {
      const res = await get<ApiErrorBody>(api.url, path)
      expect(res.status, path).toBe(400)
      expect(res.body.error.kind).toBe('InvalidListingId')
    }
    expect(scrapes.length).toBe(before)
  })

  it('does not cache a failed scrape', async () => {
    const id = uniqueId('gone')
    await get(api.url, `/joblisting/${id}`)
    await get(api.url, `/joblisting/${id}`)
    expect(scrapes.filter((s) => s === id)).toHaveLength(2)
  })
})

describe('GET /joblistings', () => {
  beforeAll(async () => {
    for (let n = 0; n < searchListings.length; n++) {
      const res = await get(api.url, `/joblisting/search-${n}-${searchTag}`)
      expect(res.status).toBe(200)
    }
    await api.listings.repository.refresh()
  })

  it('finds listings by a word of their description, with highlights and facets', async () => {
    const res = await get<ListingSearchResult>(api.url, `/joblistings?q=${searchTag}`)
    expect(res.status).toBe(200)
    expect(res.body.total).toBe(2)
    expect(res.body.hits.map((h) => h.listing.title).sort()).toEqual(['Frontend Developer', 'Platform Engineer'])
    const platform = res.body.hits.find((h) => h.listing.title === 'Platform Engineer')
    // Highlights are HTML-escaped around the <em> marks.
    expect(platform?.highlights.description?.[0]).toContain(`<em>${searchTag}</em>`)
    expect(platform?.highlights.description?.[0]).toContain('&lt;deploys&gt;')
    expect(res.body.facets.skills).toEqual(
      expect.arrayContaining([
        { value: 'Kubernetes', count: 1 },
        { value: 'React', count: 1 }
      ])
    )
    expect(res.body.facets.company).toEqual(
      expect.arrayContaining([
        { value: 'Orbital Freight', count: 1 },
        { value: 'Acme Widgets', count: 1 }
      ])
    )
    expect(res.body.page).toBe(1)
  })

  it('filters by skill (case-insensitive) and by company', async () => {
    const bySkill = await get<ListingSearchResult>(api.url, `/joblistings?q=${searchTag}&skill=kubernetes`)
    expect(bySkill.body.total).toBe(1)
    expect(bySkill.body.hits[0]?.listing.title).toBe('Platform Engineer')
    expect(bySkill.body.facets.skills).toEqual(expect.arrayContaining([{ value: 'Go', count: 1 }]))

    const byCompany = await get<ListingSearchResult>(api.url, `/joblistings?skill=Kubernetes&company=orbital%20freight`)
    expect(byCompany.body.total).toBe(2)
    expect(byCompany.body.hits.every((h) => h.listing.company === 'Orbital Freight')).toBe(true)
  })

  it('pages, and refuses bad paging', async () => {
    const p2 = await get<ListingSearchResult>(api.url, `/joblistings?q=${searchTag}&pageSize=1&page=2`)
    expect(p2.body).toMatchObject({ total: 2, page: 2, pageSize: 1 })
    expect(p2.body.hits).toHaveLength(1)
    for (const qs of ['page=0', 'page=x', 'pageSize=1000', 'page=5000&pageSize=100']) {
      const bad = await get<ApiErrorBody>(api.url, `/joblistings?${qs}`)
      expect(bad.status, qs).toBe(400)
      expect(bad.body.error.kind).toBe('InvalidSearch')
    }
  })
})

describe('other routes', () => {
  it('reports health: Elasticsearch up, broker not used by an in-process scraper', async () => {
    const res = await get<{
      status: string
      broker: { status: string }
      elasticsearch: { status: string; pendingWrites: number }
    }>(api.url, '/health')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      status: 'ok',
      broker: { status: 'not-used' },
      elasticsearch: { status: 'up', pendingWrites: 0 }
    })
  })

  it('answers unknown routes with 404 and other methods with 405', async () => {
    const missing = await get<ApiErrorBody>(api.url, '/nope')
    expect(missing.status).toBe(404)
    expect(missing.body.error.kind).toBe('NotFound')
    const post = await fetch(`${api.url}/joblisting/abc`, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET')
  })

  it('logs every request as one structured entry', () => {
    const requests = log.entries.filter((e) => e.msg === 'request')
    expect(requests.length).toBeGreaterThan(10)
    for (const entry of requests) {
      expect(entry.fields).toEqual(
        expect.objectContaining({
          method: expect.any(String),
          path: expect.any(String),
          status: expect.any(Number),
          ms: expect.any(Number)
        })
      )
    }
    expect(requests.some((e) => e.fields['status'] === 504 && e.fields['errorKind'] === 'RpcTimeout')).toBe(true)
  })
})

describe('a request line the URL parser refuses', () => {
  it('gets 400 and the API keeps serving', async () => {
    const { connect } = await import('node:net')
    const port = new URL(api.url).port
    const statusLine = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.end('GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
      )
      let data = ''
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')))
      socket.on('end', () => resolve(data.split('\r\n')[0] ?? ''))
      socket.on('error', reject)
    })
    expect(statusLine).toBe('HTTP/1.1 400 Bad Request')
    expect((await fetch(`${api.url}/health`)).status).toBeLessThan(500)
  })
})
