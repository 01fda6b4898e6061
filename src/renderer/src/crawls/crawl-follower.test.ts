import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventName, EventPayload, OperationResult, PanelApi, StreamOpenRequest } from '../../../shared/contract'
import type { CrawlDetail } from '../../../shared/crawl'
import { crawlDetail } from '../../../../test/support/crawl-detail'
import { SETTLE_INTERVAL_MS, followCrawl } from './crawl-follower'
import type { FollowListener } from './crawl-follower'

/** A PanelApi whose streamOpen answers when the test says, and whose events the test pushes. */
function fakeApi(): PanelApi & {
  calls: string[]
  /** What crawlGet answers, in turn. */
  gets: CrawlDetail[]
  /** The id the follower opened its stream under. */
  streamId: () => string
  answerOpen: (result: OperationResult<'streamOpen'>) => Promise<void>
  details: (...details: CrawlDetail[]) => void
  end: (reason: string) => void
  push: <K extends EventName>(event: K, payload: EventPayload<K>) => void
} {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let answer: ((result: OperationResult<'streamOpen'>) => void) | null = null
  let opened: StreamOpenRequest | null = null
  const calls: string[] = []
  const gets: CrawlDetail[] = []
  const push = <K extends EventName>(event: K, payload: EventPayload<K>): void => {
    for (const l of listeners.get(event) ?? []) l(payload)
  }
  const streamId = (): string => opened?.streamId ?? 'none'
  return {
    calls,
    gets,
    streamId,
    invoke: ((operation: string, request: unknown) => {
      calls.push(`${operation} ${JSON.stringify(request)}`)
      if (operation === 'streamOpen') {
        opened = request as StreamOpenRequest
        return new Promise<OperationResult<'streamOpen'>>((resolve) => (answer = resolve))
      }
      if (operation === 'crawlGet') return Promise.resolve({ ok: true, value: gets.shift() })
      return Promise.resolve({ ok: true, value: { closed: true } })
    }) as PanelApi['invoke'],
    on: ((event: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      return () => set.delete(listener)
    }) as PanelApi['on'],
    answerOpen: async (result) => {
      answer?.(result)
      await Promise.resolve()
    },
    details: (...details) => push('streamData', { streamId: streamId(), kind: 'crawl', items: details }),
    end: (reason) => push('streamEnd', { streamId: streamId(), reason }),
    push
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

describe('followCrawl', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('opens the crawl stream, shows its first detail, then the newest of its own items at most once per interval, and closes on stop', async () => {
    const api = fakeApi()
    const on = recorder()
    const stop = followCrawl(api, 'c-1', on, 250)
    const id = api.streamId()
    expect(api.calls).toEqual([`streamOpen {"kind":"crawl","params":{"id":"c-1"},"streamId":"${id}"}`])
    // The first items come before the answer: the id was picked by the follower, so they count.
    api.details(crawlDetail({ done: 1 }))
    await api.answerOpen({ ok: true, value: { streamId: id } })
    for (let done = 2; done <= 6; done++) api.details(crawlDetail({ done }))
    api.push('streamData', { streamId: 'someone-else', kind: 'crawl', items: [crawlDetail({ done: 99 })] })
    vi.advanceTimersByTime(250)
    expect(on.details.map((d) => d.done)).toEqual([1, 6])
    stop()
    expect(api.calls.at(-1)).toBe(`streamClose {"streamId":"${id}"}`)
  })

  it('closes a stream stopped before its answer came, and tells nothing', async () => {
    const api = fakeApi()
    const on = recorder()
    followCrawl(api, 'c-1', on, 250)()
    const id = api.streamId()
    api.details(crawlDetail({ done: 1 }))
    await api.answerOpen({ ok: true, value: { streamId: id } })
    expect(api.calls.at(-1)).toBe(`streamClose {"streamId":"${id}"}`)
    expect(on.details).toEqual([])
  })

  it('hands on the pending detail before an end, then nothing more, does not close an ended stream, and reports a refused open', async () => {
    const api = fakeApi()
    const on = recorder()
    const stop = followCrawl(api, 'c-1', on, 250)
    api.details(crawlDetail({ done: 1 }))
    api.details(crawlDetail({ done: 2 }), crawlDetail({ done: 3 }))
    api.end('the crawl ended')
    api.details(crawlDetail({ done: 4 }))
    vi.advanceTimersByTime(1000)
    expect(on.details.map((d) => d.done)).toEqual([1, 3])
    expect(on.log).toEqual(['ended the crawl ended'])
    stop()
    expect(api.calls.filter((c) => c.startsWith('streamClose'))).toEqual([])

    const refused = recorder()
    const api2 = fakeApi()
    followCrawl(api2, 'nope', refused, 250)
    await api2.answerOpen({ ok: false, error: { kind: 'CrawlNotFound', message: 'No crawl nope', hint: null } })
    expect(refused.log).toEqual(['error CrawlNotFound'])
  })

  it('asks again for a crawl that ended with ids still counted as scraping, until they settle', async () => {
    const api = fakeApi()
    const on = recorder()
    const stop = followCrawl(api, 'c-1', on, 250)
    api.details(crawlDetail({ done: 1 }))
    vi.advanceTimersByTime(250)
    const ended = { state: 'cancelled' as const, queued: 0, done: 10, cancelled: 0 }
    api.details(crawlDetail({ ...ended, scraping: 990 }))
    api.end('the crawl ended')
    api.gets.push(
      crawlDetail({ ...ended, scraping: 400, cancelled: 590 }),
      crawlDetail({ ...ended, scraping: 0, cancelled: 990 })
    )
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(SETTLE_INTERVAL_MS)
    expect(on.details.map((d) => d.scraping)).toEqual([100, 990, 400, 0])
    expect(api.calls.filter((c) => c.startsWith('crawlGet'))).toHaveLength(2)
    stop()
  })

  it('stops asking when the page goes', async () => {
    const api = fakeApi()
    const stop = followCrawl(api, 'c-1', recorder(), 250)
    api.details(crawlDetail({ state: 'cancelled', cancelled: 0, queued: 400 }))
    api.end('the crawl ended')
    stop()
    await vi.advanceTimersByTimeAsync(SETTLE_INTERVAL_MS * 3)
    expect(api.calls.filter((c) => c.startsWith('crawlGet'))).toEqual([])
  })
})
