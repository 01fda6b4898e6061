/**
 * Sources over the API's REST routes, kept in the real (test) Elasticsearch: create, read,
 * edit, pause, resume, remove; the specific 400/404/409 answers; edits racing each other;
 * and a lookup of an id on a named source, cached apart from the same id of the default one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClientError } from '../../src/main/clients/api-client'
import { SourceClient } from '../../src/main/clients/source-client'
import { startApi } from '../../src/services/api/server'
import type { RunningApi } from '../../src/services/api/server'
import { createElasticsearchClient } from '../../src/services/listings/elasticsearch-client'
import { deleteSourcesIndex, ensureSourcesIndex } from '../../src/services/sources/source-index'
import { SourceRegistry } from '../../src/services/sources/source-registry'
import { SourceStore } from '../../src/services/sources/source-store'
import { silentLogger } from '../../src/services/log'
import type { Listing } from '../../src/shared/listing'
import { ES_URL, makeListing, uniqueIndex } from '../listings/fixtures'

const index = uniqueIndex('sources')
const listingsIndex = uniqueIndex('sources-listings')
const es = createElasticsearchClient(ES_URL, 30_000)
const store = new SourceStore(es, index)
let changes = 0
const registry = new SourceRegistry({ store, onChange: async () => void (changes += 1) })
let api: RunningApi
let client: SourceClient
const scrapes: { id: string; source: string | undefined }[] = []

async function scrape(id: string, source?: string): Promise<Listing> {
  scrapes.push({ id, source })
  return { ...makeListing(id), source: source ?? 'jobboard' }
}

beforeAll(async () => {
  await ensureSourcesIndex(es, index)
  await store.ensureDefault({
    listingUrlTemplate: 'http://127.0.0.1:9/jobs/{id}',
    sitemapUrls: ['http://127.0.0.1:9/sitemap.xml']
  })
  api = await startApi({
    port: 0,
    elasticsearchUrl: ES_URL,
    index: listingsIndex,
    scrape,
    sources: registry,
    logger: silentLogger
  })
  client = new SourceClient({ baseUrl: api.url })
})

afterAll(async () => {
  await api?.listings.repository.deleteIndex()
  await api?.close()
  await deleteSourcesIndex(es, index)
  await es.close()
})

async function send(
  method: string,
  path: string,
  body?: unknown
): Promise<{
  status: number
  body: { error?: { kind: string; message: string; hint: string } } & Record<string, unknown>
}> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
  })
  return { status: res.status, body: (await res.json()) as never }
}

describe('/sources', () => {
  it('adds, shows, edits, pauses, resumes and removes a source, telling the scrapers of each change', async () => {
    const before = changes
    const added = await client.add({
      name: 'board-b',
      listingUrlTemplate: 'https://b.example/jobs/{id}',
      politeness: { maxInFlight: 4 }
    })
    expect(added).toMatchObject({
      name: 'board-b',
      paused: false,
      sitemapUrls: [],
      hosts: [],
      politeness: { maxInFlight: 4, minGapMs: 1000, respectRobots: true }
    })
    expect((await client.list()).sources.map((s) => s.name)).toEqual(['board-b', 'jobboard'])

    const edited = await client.edit('board-b', {
      sitemapUrls: ['https://b.example/sitemap.xml'],
      politeness: { minGapMs: 250 }
    })
    // Politeness fields not given are kept.
    expect(edited.politeness).toMatchObject({ maxInFlight: 4, minGapMs: 250 })
    expect(edited.sitemapUrls).toEqual(['https://b.example/sitemap.xml'])
    expect(Date.parse(edited.updatedAt)).toBeGreaterThanOrEqual(Date.parse(added.updatedAt))

    expect((await client.setPaused('board-b', true)).paused).toBe(true)
    expect((await client.get('board-b')).paused).toBe(true)
    expect((await client.setPaused('board-b', false)).paused).toBe(false)

    expect(await client.remove('board-b')).toEqual({ deleted: true })
    await expect(client.get('board-b')).rejects.toMatchObject({
      kind: 'SourceNotFound',
      status: 404,
      message: 'No source named "board-b"'
    })
    expect(changes - before).toBe(5)
  })

  it('answers bad input with 400 InvalidSource and the field and reason', async () => {
    const cases: [unknown, string][] = [
      [
        { name: 'x', listingUrlTemplate: 'ftp://b.example/jobs/{id}' },
        'listingUrlTemplate: A listing URL template is an http(s) URL'
      ],
      [
        { name: 'x', listingUrlTemplate: 'https://b.example/jobs/' },
        'listingUrlTemplate: A listing URL template contains {id}'
      ],
      [
        { name: 'x', listingUrlTemplate: 'https://b.example/jobs/{id}', politeness: { maxInFlight: 0 } },
        'politeness.maxInFlight: At most N requests in flight: N is at least 1'
      ],
      [{ name: 'x' }, 'A source needs a listing URL template or at least one sitemap URL'],
      [
        { name: 'Not A Name', listingUrlTemplate: 'https://b.example/{id}' },
        'name: A source name is 1–63 of lower-case letters, digits and "-", starting with a letter or digit'
      ]
    ]
    for (const [body, message] of cases) {
      const res = await send('POST', '/sources', body)
      expect(res.status, message).toBe(400)
      expect(res.body.error).toMatchObject({ kind: 'InvalidSource', message })
      expect(res.body.error?.hint).toContain('listingUrlTemplate')
    }
    expect((await send('PATCH', '/sources/jobboard', { politeness: { maxInFlight: 0 } })).body.error?.message).toBe(
      'politeness.maxInFlight: At most N requests in flight: N is at least 1'
    )
    expect((await send('PATCH', '/sources/jobboard', { name: 'renamed' })).body.error).toMatchObject({
      kind: 'InvalidSource'
    })
    expect((await send('POST', '/sources', 'not json')).status).toBe(400)
  })

  it('answers 404 for an unknown source, 409 for a taken name and for removing the default source', async () => {
    expect(await send('GET', '/sources/nope')).toMatchObject({
      status: 404,
      body: { error: { kind: 'SourceNotFound' } }
    })
    expect(await send('POST', '/sources/nope/pause')).toMatchObject({
      status: 404,
      body: { error: { kind: 'SourceNotFound' } }
    })
    expect(await send('DELETE', '/sources/nope')).toMatchObject({ status: 404 })
    const taken = await send('POST', '/sources', {
      name: 'jobboard',
      listingUrlTemplate: 'https://elsewhere.example/{id}'
    })
    expect(taken).toMatchObject({
      status: 409,
      body: { error: { kind: 'SourceNameTaken', message: 'A source named "jobboard" already exists' } }
    })
    expect(await send('DELETE', '/sources/jobboard')).toMatchObject({
      status: 409,
      body: { error: { kind: 'SourceConflict', message: 'The default source "jobboard" cannot be removed' } }
    })
    await expect(client.add({ name: 'jobboard', listingUrlTemplate: 'https://e.example/{id}' })).rejects.toBeInstanceOf(
      ApiClientError
    )
  })

  it('loses no edit when edits race (optimistic concurrency), and keeps them across a new store', async () => {
    await client.add({ name: 'racy', listingUrlTemplate: 'https://r.example/{id}' })
    await Promise.all([
      client.edit('racy', { politeness: { maxInFlight: 7 } }),
      client.edit('racy', { politeness: { minGapMs: 40 } }),
      client.edit('racy', { politeness: { autoThrottle: true } }),
      client.edit('racy', { sitemapUrls: ['https://r.example/s.xml'] }),
      client.setPaused('racy', true)
    ])
    const again = new SourceStore(es, index)
    expect(await again.get('racy')).toMatchObject({
      paused: true,
      sitemapUrls: ['https://r.example/s.xml'],
      politeness: { maxInFlight: 7, minGapMs: 40, autoThrottle: true }
    })
    // A second first start keeps the default source as the user left it.
    await client.edit('jobboard', { politeness: { minGapMs: 5 } })
    await again.ensureDefault({ listingUrlTemplate: 'http://127.0.0.1:9/other/{id}', sitemapUrls: [] })
    expect(await again.get('jobboard')).toMatchObject({
      listingUrlTemplate: 'http://127.0.0.1:9/jobs/{id}',
      politeness: { minGapMs: 5 }
    })
  })

  it('looks an id up on a named source, cached apart from the same id of the default source', async () => {
    const onDefault = await fetch(`${api.url}/joblisting/same-1`)
    const onB = await fetch(`${api.url}/joblisting/same-1?source=board-c`)
    expect([onDefault.status, onB.status]).toEqual([200, 200])
    expect(((await onB.json()) as Listing).source).toBe('board-c')
    expect(scrapes.filter((s) => s.id === 'same-1')).toEqual([
      { id: 'same-1', source: undefined },
      { id: 'same-1', source: 'board-c' }
    ])
    await api.listings.repository.refresh()
    const cached = await api.listings.lookup('same-1', { source: 'board-c' })
    expect(cached).toMatchObject({ source: 'cache', listing: { source: 'board-c' } })
    const bad = await send('GET', '/joblisting/1?source=Bad%20Name')
    expect(bad).toMatchObject({ status: 404, body: { error: { kind: 'UnknownSource' } } })
  })
})
