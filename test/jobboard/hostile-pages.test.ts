/**
 * The board's hostile listings against the scraper's real fetch and parse: a normal page
 * scrapes in milliseconds, a hostile one holds the scraper's CPU for seconds even at a small
 * nesting (the default, 10,000, stalls it for about half a minute).
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

  it('takes the scraper far longer to parse than a normal page', async () => {
    const template = `${board.url}/jobs/{id}`
    const normalId = jobs.jobs.find((job) => job.status === 'active' && job.hostile !== true)!.id
    const time = async (id: string): Promise<number> => {
      const started = performance.now()
      await scrapeListing(id, { sourceUrlTemplate: template })
      return performance.now() - started
    }
    await time(normalId) // warm up the parser
    const normal = await time(normalId)
    const hostile = await time([...board.hostileIds][0]!)
    console.info(`scrape: normal page ${normal.toFixed(0)} ms, hostile page (nesting 3000) ${hostile.toFixed(0)} ms`)
    expect(hostile).toBeGreaterThan(1_000)
    expect(hostile).toBeGreaterThan(normal * 20)
  })
})
