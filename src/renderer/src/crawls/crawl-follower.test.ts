import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventName, EventPayload, OperationResult, PanelApi } from '../../../shared/contract'
import type { CrawlDetail } from '../../../shared/crawl'
import { crawlDetail } from '../../../../test/support/crawl-detail'
import { SETTLE_INTERVAL_MS, followCrawl } from './crawl-follower'
import type { FollowListener } from './crawl-follower'

/** A PanelApi whose crawlFollow answers when the test says, and whose events the test pushes. */
function fakeApi(): PanelApi & {
  calls: string[]
  /** What crawlGet answers, in turn. */
  gets: CrawlDetail[]
  answerFollow: (result: OperationResult<'crawlFollow'>) => Promise<void>
  push: <K extends EventName>(event: K, payload: EventPayload<K>) => void
} {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let answer: ((result: OperationResult<'crawlFollow'>) => void) | null = null
  const calls: string[] = []
  const gets: CrawlDetail[] = []
  return {
    calls,
    gets,
    invoke: ((operation: string, request: unknown) => {
      calls.push(`${operation} ${JSON.stringify(request)}`)
      if (operation === 'crawlFollow') return new Promise<OperationResult<'crawlFollow'>>((resolve) => (answer = resolve))
      if (operation === 'crawlGet') return Promise.resolve({ ok: true, value: gets.shift() })
      return Promise.resolve({ ok: true, value: { stopped: true } })
    }) as PanelApi['invoke'],
    on: ((event: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      return () => set.delete(listener)
    }) as PanelApi['on'],
    answerFollow: async (result) => {
      answer?.(result)
      await Promise.resolve()
    },
    push: (event, payload) => {
      for (const l of listeners.get(event) ?? []) l(payload)
    }
  }
}

function recorder(): FollowListener & { details: CrawlDetail[]; log: string[] } {
  const details: CrawlDetail[] = []
  const log: string[] = []
  return {
    details,
    log,
    detail: (d) => details.push(d),
    error: (e) => log.push(`error ${e.kind}`),
    ended: (reason) => log.push(`ended ${reason}`)
  }
}

const followed = (followId: string, done = 0): OperationResult<'crawlFollow'> => ({ ok: true, value: { followId, detail: crawlDetail({ done }) } })

describe('followCrawl', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('shows the first detail, then the newest of its own events at most once per interval, and unfollows on stop', async () => {
    const api = fakeApi()
    const on = recorder()
    const stop = followCrawl(api, 'c-1', on, 250)
    await api.answerFollow(followed('f1', 1))
    for (let done = 2; done <= 6; done++) api.push('crawlProgress', { followId: 'f1', detail: crawlDetail({ done }) })
    api.push('crawlProgress', { followId: 'someone-else', detail: crawlDetail({ done: 99 }) })
    vi.advanceTimersByTime(250)
    expect(on.details.map((d) => d.done)).toEqual([1, 2, 6])
    stop()
    expect(api.calls).toEqual(['crawlFollow {"id":"c-1"}', 'crawlUnfollow {"followId":"f1"}'])
  })

  it('replays what came before the answer: the last detail and an early end, and then does not unfollow', async () => {
    const api = fakeApi()
    const on = recorder()
    const stop = followCrawl(api, 'c-1', on, 250)
    api.push('crawlProgress', { followId: 'f1', detail: crawlDetail({ done: 5, state: 'done' }) })
    api.push('crawlProgressEnd', { followId: 'f1', reason: 'the crawl ended' })
    await api.answerFollow(followed('f1', 1))
    expect(on.details.map((d) => d.done)).toEqual([5])
    expect(on.log).toEqual(['ended the crawl ended'])
    stop()
    expect(api.calls).toEqual(['crawlFollow {"id":"c-1"}'])
  })

  it('unfollows a follow whose answer comes after stop, and tells nothing', async () => {
    const api = fakeApi()
    const on = recorder()
    followCrawl(api, 'c-1', on, 250)()
    await api.answerFollow(followed('f7'))
    expect(api.calls).toEqual(['crawlFollow {"id":"c-1"}', 'crawlUnfollow {"followId":"f7"}'])
    expect(on.details).toEqual([])
  })

  it('hands on the pending detail before an end, then nothing more, and reports a refused follow', async () => {
    const api = fakeApi()
    const on = recorder()
    followCrawl(api, 'c-1', on, 250)
    await api.answerFollow(followed('f1', 1))
    api.push('crawlProgress', { followId: 'f1', detail: crawlDetail({ done: 2 }) })
    api.push('crawlProgress', { followId: 'f1', detail: crawlDetail({ done: 3 }) })
    api.push('crawlProgressEnd', { followId: 'f1', reason: 'the crawl ended' })
    api.push('crawlProgress', { followId: 'f1', detail: crawlDetail({ done: 4 }) })
    vi.advanceTimersByTime(1000)
    expect(on.details.map((d) => d.done)).toEqual([1, 2, 3])
    expect(on.log).toEqual(['ended the crawl ended'])

    const refused = recorder()
    const api2 = fakeApi()
    followCrawl(api2, 'nope', refused, 250)
    await api2.answerFollow({ ok: false, error: { kind: 'CrawlNotFound', message: 'No crawl nope', hint: null } })
    expect(refused.log).toEqual(['error CrawlNotFound'])
  })

  it('asks again for a crawl that ended with ids still counted as scraping, until they settle', async () => {
    const api = fakeApi()
    const on = recorder()
    const stop = followCrawl(api, 'c-1', on, 250)
    await api.answerFollow(followed('f1', 1))
    const ended = { state: 'cancelled' as const, queued: 0, done: 10, cancelled: 0 }
    api.push('crawlProgress', { followId: 'f1', detail: crawlDetail({ ...ended, scraping: 990 }) })
    api.push('crawlProgressEnd', { followId: 'f1', reason: 'the crawl ended' })
    api.gets.push(crawlDetail({ ...ended, scraping: 400, cancelled: 590 }), crawlDetail({ ...ended, scraping: 0, cancelled: 990 }))
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(SETTLE_INTERVAL_MS)
    expect(on.details.map((d) => d.scraping)).toEqual([100, 990, 400, 0])
    expect(api.calls.filter((c) => c.startsWith('crawlGet'))).toHaveLength(2)
    stop()
  })

  it('stops asking when the page goes', async () => {
    const api = fakeApi()
    const stop = followCrawl(api, 'c-1', recorder(), 250)
    await api.answerFollow({ ok: true, value: { followId: 'f1', detail: crawlDetail({ state: 'cancelled', cancelled: 0, queued: 400 }) } })
    api.push('crawlProgressEnd', { followId: 'f1', reason: 'the crawl ended' })
    stop()
    await vi.advanceTimersByTimeAsync(SETTLE_INTERVAL_MS * 3)
    expect(api.calls.filter((c) => c.startsWith('crawlGet'))).toEqual([])
  })
})
