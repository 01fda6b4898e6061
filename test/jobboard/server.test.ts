import * as cheerio from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startJobBoard } from '../../src/services/jobboard/server.js'
import type { RunningJobBoard } from '../../src/services/jobboard/server.js'

interface JobsJson {
  seed: number
  total: number
  active: number
  expired: number
  jobs: Array<{
    id: string
    status: 'active' | 'expired'
    url: string
    title: string
    company: string
    location: string
  }>
}

describe('job board routes (real server on 127.0.0.1)', () => {
  let board: RunningJobBoard
  let jobs: JobsJson
  const activeId = (): string => jobs.jobs.find((job) => job.status === 'active')!.id
  const expiredId = (): string => jobs.jobs.find((job) => job.status === 'expired')!.id

  beforeAll(async () => {
    board = await startJobBoard({ host: '127.0.0.1', port: 0 })
    jobs = (await (await fetch(`${board.url}/jobs.json`)).json()) as JobsJson
  })
  afterAll(async () => board.close())

  it('answers /health with JSON counts', async () => {
    const response = await fetch(`${board.url}/health`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({ status: 'ok', listings: 300, active: jobs.active, expired: jobs.expired })
  })

  it('lists every id in /jobs.json with the status the catalog gives it', () => {
    expect(jobs.total).toBe(300)
    expect(jobs.jobs.map((job) => job.id)).toEqual(board.catalog.listings.map((listing) => listing.id))
    for (const job of jobs.jobs) expect(job.status).toBe(board.catalog.byId.get(job.id)!.status)
    expect(jobs.active + jobs.expired).toBe(300)
    expect(jobs.expired).toBeGreaterThan(0)
  })

  it('serves an active listing as UTF-8 HTML with caching headers and a correct length', async () => {
    const id = activeId()
    const response = await fetch(`${board.url}/jobs/${id}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('last-modified')).toMatch(/GMT$/)
    const body = Buffer.from(await response.arrayBuffer())
    expect(Number(response.headers.get('content-length'))).toBe(body.length)
    const $ = cheerio.load(body.toString('utf8'))
    expect($('h1').text()).toBe(board.catalog.byId.get(id)!.title)
    // Canonical and JSON-LD urls follow the address the client used.
    expect($('link[rel=canonical]').attr('href')).toBe(`${board.url}/jobs/${id}`)
  })

  it('answers HEAD with the GET headers and no body', async () => {
    const id = activeId()
    const get = await fetch(`${board.url}/jobs/${id}`)
    const getLength = (await get.arrayBuffer()).byteLength
    const head = await fetch(`${board.url}/jobs/${id}`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(Number(head.headers.get('content-length'))).toBe(getLength)
    expect((await head.arrayBuffer()).byteLength).toBe(0)
  })

  it('answers 410 with a short page for an expired listing', async () => {
    const response = await fetch(`${board.url}/jobs/${expiredId()}`)
    expect(response.status).toBe(410)
    const $ = cheerio.load(await response.text())
    expect($('h1').text()).toBe('This job has expired')
    expect($('script[type="application/ld+json"]').length).toBe(0)
  })

  it.each(['/jobs/1', '/jobs/%E0%A4%A', `/jobs/`, '/jobs/200301/extra', '/nowhere', '/jobs.json/x'])(
    'answers 404 for %s',
    async (path) => {
      const response = await fetch(board.url + path)
      expect(response.status).toBe(404)
      expect(response.headers.get('cache-control')).toBe('no-store')
      await response.arrayBuffer()
    }
  )

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])('answers %s with 405 and Allow', async (method) => {
    const response = await fetch(`${board.url}/jobs/${activeId()}`, { method })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, HEAD')
    await response.arrayBuffer()
  })

  it('pages the index over exactly the active listings, newest first', async () => {
    const seen: string[] = []
    let path: string | undefined = '/'
    let dates: string[] = []
    while (path) {
      const response: Response = await fetch(board.url + path)
      expect(response.status).toBe(200)
      const $ = cheerio.load(await response.text())
      seen.push(
        ...$('.job-card')
          .toArray()
          .map((el) => $(el).attr('data-job-id')!)
      )
      dates = dates.concat(
        $('.job-card time')
          .toArray()
          .map((el) => $(el).attr('datetime')!)
      )
      path = $('a[rel=next]').attr('href')
    }
    expect(seen.length).toBe(jobs.active)
    expect(new Set(seen)).toEqual(new Set(jobs.jobs.filter((job) => job.status === 'active').map((job) => job.id)))
    expect(dates).toEqual([...dates].sort().reverse())
  })

  it('rejects a bad page number with 400 and a page past the end with 404', async () => {
    for (const [query, status] of [
      ['?page=0', 400],
      ['?page=abc', 400],
      ['?page=-1', 400],
      ['?page=999', 404]
    ] as const) {
      const response = await fetch(`${board.url}/${query}`)
      expect(response.status, query).toBe(status)
      await response.arrayBuffer()
    }
  })

  const canonicalWithHost = async (host: string): Promise<string | undefined> => {
    const { request } = await import('node:http')
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${board.url}/jobs/${activeId()}`, { headers: { host } }, (res) => {
        let text = ''
        res
          .setEncoding('utf8')
          .on('data', (chunk: string) => (text += chunk))
          .on('end', () => resolve(text))
      })
      req.on('error', reject).end()
    })
    return cheerio.load(body)('link[rel=canonical]').attr('href')
  }

  it('writes absolute links for the Host the client used (pages are cached per host)', async () => {
    const port = new URL(board.url).port
    expect(await canonicalWithHost(`localhost:${port}`)).toBe(`http://localhost:${port}/jobs/${activeId()}`)
    expect(await canonicalWithHost(`127.0.0.1:${port}`)).toBe(`http://127.0.0.1:${port}/jobs/${activeId()}`)
  })

  it('ignores a hostile Host header when writing absolute links', async () => {
    expect(await canonicalWithHost('evil"><script>x</script>')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jobs\/\d+$/)
  })
})

describe('job board latency and failures', () => {
  it('delays pages by the configured latency but not /health or /jobs.json', async () => {
    const board = await startJobBoard({ port: 0, latency: '300-350' })
    try {
      const id = board.catalog.listings.find((listing) => listing.status === 'active')!.id
      const time = async (path: string): Promise<number> => {
        const started = performance.now()
        const response = await fetch(board.url + path)
        await response.arrayBuffer()
        return performance.now() - started
      }
      expect(await time(`/jobs/${id}`)).toBeGreaterThanOrEqual(295)
      expect(await time('/jobs/1')).toBeGreaterThanOrEqual(295) // a 404 is no faster than a page
      expect(await time('/health')).toBeLessThan(250)
      expect(await time('/jobs.json')).toBeLessThan(250)
    } finally {
      await board.close()
    }
  })

  it('fails about the asked share of page requests with 503 + Retry-After, the same ones for the same seed', async () => {
    const statuses = async (): Promise<number[]> => {
      const board = await startJobBoard({ port: 0, seed: 5, failureRate: 0.4 })
      try {
        const id = board.catalog.listings.find((listing) => listing.status === 'active')!.id
        const result: number[] = []
        for (let i = 0; i < 200; i++) {
          const response = await fetch(`${board.url}/jobs/${id}`)
          if (response.status === 503) expect(response.headers.get('retry-after')).toBe('1')
          await response.arrayBuffer()
          result.push(response.status)
          // Exempt routes neither fail nor advance the sequence.
          if (i % 10 === 0) expect((await fetch(`${board.url}/health`)).status).toBe(200)
        }
        return result
      } finally {
        await board.close()
      }
    }
    const first = await statuses()
    const failures = first.filter((status) => status === 503).length
    expect(failures).toBeGreaterThan(50)
    expect(failures).toBeLessThan(110)
    expect(first.filter((status) => status !== 503).every((status) => status === 200)).toBe(true)
    expect(await statuses()).toEqual(first)
  })

  it('at failure rate 1 fails every page but still answers /health and /jobs.json', async () => {
    const board = await startJobBoard({ port: 0, failureRate: 1 })
    try {
      for (const path of ['/', '/jobs/1', `/jobs/${board.catalog.listings[0]!.id}`]) {
        const response = await fetch(board.url + path)
        expect(response.status, path).toBe(503)
        await response.arrayBuffer()
      }
      expect((await fetch(`${board.url}/health`)).status).toBe(200)
      expect((await fetch(`${board.url}/jobs.json`)).status).toBe(200)
    } finally {
      await board.close()
    }
  })

  it('close() stops listening', async () => {
    const board = await startJobBoard({ port: 0 })
    await (await fetch(`${board.url}/health`)).arrayBuffer()
    await board.close()
    await expect(fetch(`${board.url}/health`)).rejects.toThrow()
  })
})

describe('job board robots.txt', () => {
  it('serves its robots.txt as a page request (never a random 503) and counts disallowed paths requested', async () => {
    const robots = { disallow: ['/jobs/job-00003'], crawlDelayS: 2, status: 200 }
    const board = await startJobBoard({ port: 0, robots, failureRate: 1 })
    try {
      const response = await fetch(`${board.url}/robots.txt`)
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('User-agent: *\nDisallow: /jobs/job-00003\nCrawl-delay: 2\n')
      for (const path of ['/jobs/job-00003', '/jobs/job-00004', '/jobs/job-00003?x=1'])
        await (await fetch(board.url + path)).arrayBuffer()
      const stats = (await (await fetch(`${board.url}/_stats`)).json()) as {
        robots: unknown
        site: { served: number }
      }
      expect(stats.robots).toEqual({ disallowedRequested: 2, disallowedPaths: { '/jobs/job-00003': 2 } })
      expect(stats.site.served).toBe(4) // robots.txt arrived at the site like any page
    } finally {
      await board.close()
    }
    const bare = await startJobBoard({ port: 0 })
    try {
      expect((await fetch(`${bare.url}/robots.txt`)).status).toBe(404)
    } finally {
      await bare.close()
    }
  })
})
