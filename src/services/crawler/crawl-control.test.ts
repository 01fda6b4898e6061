import { describe, expect, it } from 'vitest'
import { silentLogger } from '../log'
import { CRAWL_ID_HEADER, CrawlControlListener } from './crawl-control'

const announce = (
  listener: CrawlControlListener,
  coordinator: string,
  crawls: Record<string, string>,
  ttlMs = 10_000
): void => listener.take(Buffer.from(JSON.stringify({ coordinator, ttlMs, crawls })))

describe('crawl control listener', () => {
  it('answers requests of cancelled and paused crawls, and leaves the rest alone', () => {
    const listener = new CrawlControlListener({ amqpUri: 'amqp://unused', logger: silentLogger })
    announce(listener, 'a', { c1: 'cancelled', c2: 'paused' })
    expect(listener.screen({ [CRAWL_ID_HEADER]: 'c1' })).toMatchObject({ exc_type: 'CrawlCancelled' })
    expect(listener.screen({ [CRAWL_ID_HEADER]: 'c2' })).toMatchObject({ exc_type: 'CrawlPaused' })
    expect(listener.screen({ [CRAWL_ID_HEADER]: 'c3' })).toBeNull()
    // A single lookup carries no crawl header.
    expect(listener.screen({})).toBeNull()
    expect(listener.screen(undefined)).toBeNull()
  })

  it("replaces a coordinator's set with its next announcement (resume) and forgets an expired one", async () => {
    const listener = new CrawlControlListener({ amqpUri: 'amqp://unused', logger: silentLogger })
    announce(listener, 'a', { c2: 'paused' })
    announce(listener, 'b', { c9: 'cancelled' }, 1)
    announce(listener, 'a', {})
    expect(listener.screen({ [CRAWL_ID_HEADER]: 'c2' })).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(listener.screen({ [CRAWL_ID_HEADER]: 'c9' })).toBeNull()
  })

  it('ignores a malformed announcement', () => {
    const listener = new CrawlControlListener({ amqpUri: 'amqp://unused', logger: silentLogger })
    listener.take(Buffer.from('{"coordinator":1}'))
    listener.take(Buffer.from('not json'))
    expect(listener.screen({ [CRAWL_ID_HEADER]: 'c1' })).toBeNull()
  })
})

describe('sources on the crawl-control announcements', () => {
  const take = (listener: CrawlControlListener, body: object): void =>
    listener.take(Buffer.from(JSON.stringify({ coordinator: 'a', ttlMs: 10_000, crawls: {}, ...body })))
  const board = { name: 'jobboard', listingUrlTemplate: 'http://board/jobs/{id}', paused: false }

  it('takes the sources announced for its own service, and only those', () => {
    const listener = new CrawlControlListener({ amqpUri: 'amqp://unused', logger: silentLogger, service: 'mine' })
    expect(listener.announcedSources()).toBeNull()
    take(listener, { service: 'theirs', sources: [{ ...board, listingUrlTemplate: 'http://their-board/jobs/{id}' }] })
    take(listener, { sources: [board] })
    expect(listener.announcedSources()).toBeNull()
    take(listener, { service: 'mine', sources: [board] })
    expect([...(listener.announcedSources()?.values() ?? [])]).toEqual([board])
    // An announcement without sources (crawl control only) leaves them as they were.
    take(listener, {})
    expect(listener.announcedSources()?.get('jobboard')).toEqual(board)
  })

  it('forgets the sources once no announcement repeats them', async () => {
    const listener = new CrawlControlListener({ amqpUri: 'amqp://unused', logger: silentLogger, service: 'mine' })
    take(listener, { service: 'mine', sources: [board], ttlMs: 1 })
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(listener.announcedSources()).toBeNull()
  })
})
