/**
 * The board's hostile listings against the scraper's real fetch and parse. Unbounded, cheerio
 * took seconds on one even at a small nesting (the default, 10,000, stalled it for about half
 * a minute); the scraper's pre-scan now refuses it at once as PageTooComplex.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startJobBoard } from '../../src/services/jobboard/server.js'
import type { RunningJobBoard } from '../../src/services/jobboard/server.js'
import { scrapeListing } from '../../src/services/scraper/scrape-listing.js'

interface Job {
  id: string
  status: string
  hostile?: boolean
}

describe('hostile listings (board with 2 hostile pages, nesting 3000)', () => {
  let board: RunningJobBoard
  let jobs: { hostile: number; jobs: Job[] }

  beforeAll(async () => {
    board = await startJobBoard({ port: 0, hostile: { count: 2, nesting: 3_000 } })
    jobs = (await (await fetch(`${board.url}/jobs.json`)).json()) as typeof jobs
  })
  afterAll(async () => board?.close())

  it('marks exactly the hostile listings in /jobs.json, all active', () => {
    const hostile = jobs.jobs.filter((job) => job.hostile === true)
    expect(jobs.hostile).toBe(2)
    expect(hostile.map((job) => job.id).sort()).toEqual([...board.hostileIds].sort())
    for (const job of hostile) expect(job.status).toBe('active')
  })

  it('serves a hostile page as a normal listing page plus the nested markup', async () => {
    const [id] = [...board.hostileIds]
    const response = await fetch(`${board.url}/jobs/${id}`)
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('<script type="application/ld+json">')
    expect(html.split('<b><i><u><s><em><strong><font><a href="#">').length - 1).toBe(3_000)
  })

  it('is refused by the scraper at once as PageTooComplex, while a normal page scrapes', async () => {
    const template = `${board.url}/jobs/{id}`
    const normalId = jobs.jobs.find((job) => job.status === 'active' && job.hostile !== true)!.id
    await expect(scrapeListing(normalId, { sourceUrlTemplate: template })).resolves.toMatchObject({ ID: normalId })
    const started = performance.now()
    await expect(scrapeListing([...board.hostileIds][0]!, { sourceUrlTemplate: template })).rejects.toMatchObject({
      name: 'PageTooComplex'
    })
    const tookMs = performance.now() - started
    console.info(`scrape: hostile page (nesting 3000) refused in ${tookMs.toFixed(0)} ms`)
    expect(tookMs).toBeLessThan(5_000)
  })
})
