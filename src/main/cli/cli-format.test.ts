import { describe, expect, it } from 'vitest'
import { crawlDetail } from '../../../test/support/crawl-detail'
import {
  formatCrawlDetail,
  formatCrawlList,
  formatCrawlProgress,
  formatCrawlStartNotes,
  formatCrawlSummary,
  formatEvent,
  formatLookup,
  formatMs,
  formatNotes,
  formatResult,
  progressBar
} from './cli-format'

describe('crawl progress line', () => {
  it('fills the width with a bar whose cells follow the counts, then %, count, rate and ETA', () => {
    const line = formatCrawlProgress(crawlDetail(), 80)
    expect(line).toHaveLength(80)
    expect(line).toMatch(/^\[#+\++!+>+\.+\] {2}60% 600\/1000 {2}20\.0\/s {2}ETA 20 s$/)
    const bar = line.slice(1, line.indexOf(']'))
    // 500 of 1000 done: half the cells.
    expect(bar.split('#').length - 1).toBe(Math.round(bar.length / 2))
  })

  it('keeps a bar of 10 cells when the terminal is narrow, and names the state once ended', () => {
    const line = formatCrawlProgress(crawlDetail({ state: 'cancelled', etaSeconds: null }), 20)
    expect(line.slice(0, 12)).toMatch(/^\[.{10}\]$/)
    expect(line).toMatch(/cancelled$/)
  })

  it('sizes cells by largest remainder so they add up exactly', () => {
    const counts = { total: 3, done: 1, skipped: 0, failed: 1, cancelled: 0, scraping: 0, queued: 1 }
    expect(progressBar(counts, 10)).toHaveLength(10)
    expect(progressBar(counts, 10)).toBe('####!!!...')
    expect(progressBar({ ...counts, total: 0, done: 0, failed: 0, queued: 0 }, 4)).toBe('    ')
  })
})

describe('crawl summaries', () => {
  it('states the counts by state, percent, rate and ETA', () => {
    const text = formatCrawlSummary(crawlDetail())
    expect(text).toContain('crawl c-1 "whole board": running')
    expect(text).toContain(
      'total 1000: queued 300, scraping 100, done 500, failed 40, skipped 60, cancelled 0 (60% finished)'
    )
    expect(text).toContain('rate 20.0/s over the last 30 s, ETA 20 s')
  })

  it('adds the replicas and the errors by kind to the detail', () => {
    const text = formatCrawlDetail(crawlDetail())
    expect(text).toMatch(/scraper-1 +10\.0\/s {2}done 300, failed 20/)
    expect(text).toContain('ListingNotFound × 40: No listing a1 on the board (e.g. a1, a2)')
  })

  it('lists crawls one a line, or says there are none', () => {
    const lines = formatCrawlList({ crawls: [crawlDetail(), crawlDetail({ id: 'c-2', state: 'done' })] }).split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/^c-2 +done +60% +500\/1000 failed 40 /)
    expect(formatCrawlList({ crawls: [] })).toBe('no crawls')
  })

  it('reports the lines left out and the duplicates of a start', () => {
    const notes = formatCrawlStartNotes({
      crawl: crawlDetail(),
      invalidLines: [{ line: 4, text: 'a/b', reason: 'not a listing id' }],
      invalidCount: 3,
      duplicateCount: 1
    })
    expect(notes).toEqual([
      'line 4: not a listing id: a/b',
      '… and 2 more invalid lines',
      '3 invalid lines left out',
      '1 duplicate id counted once'
    ])
    expect(
      formatCrawlStartNotes({ crawl: crawlDetail(), invalidLines: [], invalidCount: 0, duplicateCount: 0 })
    ).toEqual([])
  })
})

describe('crawl results and events in the terminal', () => {
  it('prints only the id of a started crawl, and the detail for status', () => {
    expect(
      formatResult('crawlStart', {
        crawl: crawlDetail({ id: 'c-9' }),
        invalidLines: [],
        invalidCount: 0,
        duplicateCount: 0
      })
    ).toBe('c-9')
    expect(formatResult('crawlGet', crawlDetail())).toContain('ListingNotFound × 40')
    expect(formatResult('crawlList', { crawls: [] })).toBe('no crawls')
  })

  it('draws a followed crawl as a progress line on stderr, as wide as asked', () => {
    const out = formatEvent(
      {
        event: 'streamData',
        payload: { streamId: 'f', kind: 'crawl', items: [crawlDetail({ done: 1 }), crawlDetail()] }
      },
      true,
      60
    )
    expect(out).toMatchObject({ stream: 'stderr', inPlace: true })
    expect(out?.text).toHaveLength(60)
    expect(out?.text).toBe(
      formatEvent({ event: 'streamData', payload: { streamId: 'f', kind: 'crawl', items: [crawlDetail()] } }, true, 60)
        ?.text
    )
    expect(formatEvent({ event: 'streamData', payload: { streamId: 'f', kind: 'crawl', items: [] } }, false)).toBeNull()
    expect(formatEvent({ event: 'streamEnd', payload: { streamId: 'f', reason: 'done' } }, false)).toBeNull()
  })

  it('prints a followed log’s lines on stdout, as JSON lines with --json', () => {
    const line = {
      container: 'deck-api-1',
      service: 'api',
      stream: 'stdout' as const,
      time: '2026-12-01T23:00:00.000Z',
      line: 'hello'
    }
    const data = {
      event: 'streamData' as const,
      payload: { streamId: 's', kind: 'logs' as const, items: [line, { ...line, line: 'again' }] }
    }
    expect(formatEvent(data, false)).toMatchObject({ stream: 'stdout' })
    expect(formatEvent(data, false)?.text.split('\n')).toHaveLength(2)
    expect(
      formatEvent(data, true)
        ?.text.split('\n')
        .map((l) => (JSON.parse(l) as { line: string }).line)
    ).toEqual(['hello', 'again'])
  })
})

describe('preflight output', () => {
  const finding = {
    kind: 'docker-socket' as const,
    severity: 'critical' as const,
    file: '/p/compose.yaml',
    line: 6,
    service: 'evil',
    message: 'mounts the Docker socket',
    hint: 'Remove the mount.'
  }
  it('one line per finding with file:line, its hint, then the hash and whether it is accepted', () => {
    expect(formatResult('preflight', { fileHash: 'ab', findings: [finding], accepted: false }).split('\n')).toEqual([
      '/p/compose.yaml:6: evil: mounts the Docker socket [critical]',
      '  hint: Remove the mount.',
      '1 finding; file hash ab; not accepted (deck up --allow-host-access to start it anyway)'
    ])
    expect(formatResult('preflight', { fileHash: 'ab', findings: [], accepted: true })).toBe(
      'nothing reaches outside the project'
    )
  })
})

describe('formatNotes', () => {
  it('says on stderr that a lookup whose write is pending was not cached (the run ends, and the queue with it)', () => {
    const lookup = (cache: string): unknown => ({ listing: {}, source: 'scrape', cache, tookMs: 5 })
    expect(formatNotes('lookup', lookup('write-pending'))).toEqual([expect.stringMatching(/was not cached/)])
    expect(formatNotes('lookup', lookup('unavailable'))).toEqual([expect.stringMatching(/not cached/)])
    expect(formatNotes('lookup', lookup('ok'))).toEqual([])
    expect(formatNotes('status', {})).toEqual([])
  })
})

describe('deck rpc-services', () => {
  it('one aligned row per service under a header', () => {
    const services = [
      { service: 'greeter', queue: 'rpc-greeter', consumers: 2, ready: 0, unacked: 1 },
      { service: 'stack_overflow_scraper', queue: 'rpc-stack_overflow_scraper', consumers: 3, ready: 1200, unacked: 30 }
    ]
    expect(formatResult('rpcServices', { services }).split('\n')).toEqual([
      'service                 consumers     ready   unacked',
      'greeter                         2         0         1',
      'stack_overflow_scraper          3      1200        30'
    ])
    expect(formatResult('rpcServices', { services: [] })).toBe('no Nameko services on the bus (no rpc-* queues)')
  })

  it("prints a lookup's time rounded, as a person reads it", () => {
    const lookup = {
      listing: { title: 'Dev', company: '', location: '', url: 'http://x/1' },
      source: 'scrape',
      cache: 'ok',
      tookMs: 3.897726999999918
    } as never
    expect(formatLookup(lookup)).toMatch(/, 3\.9 ms$/)
    expect(formatMs(1234.5678)).toBe('1235 ms')
  })
})
