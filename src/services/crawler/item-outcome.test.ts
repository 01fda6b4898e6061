import { describe, expect, it } from 'vitest'
import { newItem } from './ledger-docs'
import { applyOutcome, correlationId, failure, outcomeOf, parseCorrelationId, retryDelayMs } from './item-outcome'

const backoff = { baseMs: 1000, maxMs: 8000, random: () => 0.5 }
const now = new Date('2026-12-01T12:00:00.000Z')
const meta = { replica: 'scraper-1', tookMs: 120 }

function scraping(attempts: number, attemptLimit = 3) {
  return {
    ...newItem('c1', 'job-1', 0, attemptLimit, 'queued', now.toISOString()),
    state: 'scraping' as const,
    attempts,
    dispatch: attempts
  }
}

describe('item outcomes', () => {
  it('retries a transient failure with growing, capped backoff until the attempt limit', () => {
    const first = failure(scraping(1), 'SourceUnavailable', '503', meta, now, backoff)
    expect(first).toMatchObject({
      state: 'queued',
      errorKind: 'SourceUnavailable',
      notBefore: '2026-12-01T12:00:01.000Z'
    })
    expect(failure(scraping(2), 'SourceTimeout', 'slow', meta, now, backoff).notBefore).toBe('2026-12-01T12:00:02.000Z')
    expect(retryDelayMs(10, backoff)).toBe(8000)
    expect(retryDelayMs(1, { ...backoff, random: () => 0 })).toBe(500)
    const last = failure(scraping(3), 'SourceUnavailable', '503', meta, now, backoff)
    expect(last).toMatchObject({
      state: 'failed',
      errorKind: 'SourceUnavailable',
      errorMessage: '503 (gave up after 3 attempts)'
    })
  })

  it('fails a permanent kind at once, whatever the attempts left', () => {
    for (const kind of [
      'ListingNotFound',
      'NotAJobListing',
      'InvalidListingId',
      'PageTooLarge',
      'PageTooComplex',
      'MalformedListing'
    ]) {
      expect(failure(scraping(1, 10), kind, 'no', meta, now, backoff)).toMatchObject({
        state: 'failed',
        errorKind: kind,
        errorMessage: 'no'
      })
    }
  })

  it('takes a paused answer back to queued without counting the attempt; a cancelled one is cancelled', () => {
    expect(applyOutcome(scraping(2), { kind: 'paused' }, meta, now, backoff)).toMatchObject({
      state: 'queued',
      attempts: 1
    })
    expect(applyOutcome(scraping(1), { kind: 'cancelled' }, meta, now, backoff)).toMatchObject({ state: 'cancelled' })
  })

  it('reads replies: a listing, a Nameko error, crawl control, something else', () => {
    expect(
      outcomeOf({ ok: false, error: { exc_type: 'ListingNotFound', exc_path: null, exc_args: [], value: 'gone' } })
    ).toEqual({ kind: 'error', errorKind: 'ListingNotFound', message: 'gone' })
    expect(
      outcomeOf({ ok: false, error: { exc_type: 'CrawlPaused', exc_path: null, exc_args: [], value: '' } })
    ).toEqual({ kind: 'paused' })
    expect(outcomeOf({ ok: true, result: { ID: 'x' } })).toMatchObject({ kind: 'error', errorKind: 'MalformedListing' })
    expect(outcomeOf({ ok: 'malformed', message: 'not JSON' })).toMatchObject({
      kind: 'error',
      errorKind: 'MalformedListing'
    })
  })

  it('round-trips correlation ids and refuses foreign ones', () => {
    expect(parseCorrelationId(correlationId('crawl-1', 'job.7_x', 3))).toEqual({
      crawlId: 'crawl-1',
      listingId: 'job.7_x',
      source: 'jobboard',
      dispatch: 3
    })
    expect(correlationId('crawl-1', 'job.7_x', 3, 'jobboard')).toBe('crawl-1:job.7_x:3')
    expect(correlationId('crawl-1', '42', 2, 'other-board')).toBe('crawl-1:other-board:42:2')
    expect(parseCorrelationId('crawl-1:other-board:42:2')).toEqual({
      crawlId: 'crawl-1',
      listingId: '42',
      source: 'other-board',
      dispatch: 2
    })
    expect(parseCorrelationId('a:b:c:d:1')).toBeNull()
    expect(parseCorrelationId('7f0c2d4e-uuid')).toBeNull()
    expect(parseCorrelationId('a:b:c')).toBeNull()
    expect(parseCorrelationId(undefined)).toBeNull()
  })
})
