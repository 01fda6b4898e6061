import { describe, expect, it } from 'vitest'
import { crawlDetail } from '../../../test/support/crawl-detail'
import type { CrawlDetail } from '../../shared/crawl'
import { ApiClientError } from '../clients/api-client'
import { CrawlWatches } from './crawl-watch'

/** A coordinator whose answers the test scripts, one per poll. */
function coordinator(answers: (CrawlDetail | Error)[]): {
  fetch: (id: string) => Promise<CrawlDetail>
  polls: string[]
} {
  const polls: string[] = []
  return {
    polls,
    fetch: async (id) => {
      polls.push(id)
      const next = answers.length > 1 ? answers.shift() : answers[0]
      if (next instanceof Error) throw next
      return next as CrawlDetail
    }
  }
}

function recorder(): {
  details: CrawlDetail[]
  ends: string[]
  watcher: { onDetail: (d: CrawlDetail) => void; onEnd: (r: string) => void }
} {
  const details: CrawlDetail[] = []
  const ends: string[] = []
  return { details, ends, watcher: { onDetail: (d) => details.push(d), onEnd: (r) => ends.push(r) } }
}

describe('CrawlWatches', () => {
  it('polls a crawl once for all its followers, and sends only what changed', async () => {
    const start = crawlDetail()
    const later = crawlDetail({ queued: 200, done: 600 })
    const { fetch, polls } = coordinator([start, start, later, later])
    const watches = new CrawlWatches(fetch, { intervalMs: 5 })
    const a = recorder()
    const b = recorder()
    const stopA = watches.watch(start, a.watcher)
    const stopB = watches.watch(start, b.watcher)
    await expect.poll(() => a.details.length).toBe(1)
    expect(a.details[0]).toEqual(later)
    expect(b.details).toEqual(a.details)
    const pollsWithTwo = polls.length
    stopA()
    stopB()
    expect(watches.watched()).toEqual([])
    await new Promise((r) => setTimeout(r, 30))
    expect(polls.length).toBe(pollsWithTwo)
  })

  it('ends when the crawl is done, after its counts have settled (a cancel lands before the items move)', async () => {
    const start = crawlDetail()
    const cancelling = crawlDetail({ state: 'cancelled', queued: 300, scraping: 100, cancelled: 0 })
    const settled = crawlDetail({ state: 'cancelled', queued: 0, scraping: 0, cancelled: 400 })
    const { fetch } = coordinator([cancelling, cancelling, settled])
    const watches = new CrawlWatches(fetch, { intervalMs: 5 })
    const r = recorder()
    watches.watch(start, r.watcher)
    await expect.poll(() => r.ends.length).toBe(1)
    expect(r.ends[0]).toMatch(/cancelled/)
    expect(r.details.at(-1)).toEqual(settled)
  })

  it('sends a crawl that had already ended when followed once, as its last detail, then ends', async () => {
    const done = crawlDetail({ state: 'done', queued: 0, scraping: 0, done: 900 })
    const watches = new CrawlWatches(coordinator([done]).fetch, { intervalMs: 5 })
    const r = recorder()
    watches.watch(done, r.watcher)
    await expect.poll(() => r.ends.length).toBe(1)
    expect(r.details).toEqual([done])
  })

  it('ends for everyone when the crawl is deleted, or when the coordinator stays silent', async () => {
    const deleted = new CrawlWatches(coordinator([new ApiClientError('CrawlNotFound', 'gone')]).fetch, {
      intervalMs: 5
    })
    const one = recorder()
    deleted.watch(crawlDetail({ id: 'x' }), one.watcher)
    await expect.poll(() => one.ends).toEqual(['The crawl was deleted.'])
    const silent = new CrawlWatches(coordinator([new Error('ECONNREFUSED')]).fetch, { intervalMs: 5, maxFailures: 3 })
    const two = recorder()
    silent.watch(crawlDetail({ id: 'y' }), two.watcher)
    await expect.poll(() => two.ends.length).toBe(1)
    expect(two.ends[0]).toMatch(/stopped answering: ECONNREFUSED/)
    expect(silent.watched()).toEqual([])
  })
})
