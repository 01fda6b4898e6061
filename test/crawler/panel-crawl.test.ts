/**
 * Crawls as the panel's clients see them: through a panel session (validation, error values,
 * follows owned by the client), the web shell's export download and `deck crawl`, against the
 * real coordinator (the API process), a scraper process, the shared RabbitMQ and Elasticsearch.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startupPanelConfig } from '../support/panel-settings'
import { startWebShell } from '../../src/main/web/web-shell'
import type { WebShell } from '../../src/main/web/web-shell'
import type { CrawlDetail } from '../../src/shared/crawl'
import type { OperationResponse } from '../../src/shared/contract'
import { PanelUnderTest } from '../support/panel-under-test'
import { TEST_AMQP_URI } from '../support/nameko'
import { ES_URL } from '../listings/fixtures'
import {
  cleanUpStack,
  expectCountsAddUp,
  startApiProcess,
  startScraper,
  startTestBoard,
  uniqueStackNames
} from './crawl-fixture'
import type { ServiceProcess, TestBoard } from './crawl-fixture'

const run = promisify(execFile)
const REPO = join(import.meta.dirname, '../..')
const names = uniqueStackNames('panel')
let board: TestBoard
let scraper: ServiceProcess
let api: ServiceProcess
let apiUrl: string
let panel: PanelUnderTest
let shell: WebShell
const dir = mkdtempSync(join(tmpdir(), 'deck-crawl-'))

beforeAll(async () => {
  board = await startTestBoard({ count: 80, seed: 5, latency: '20' })
  scraper = await startScraper(names, board, 'replica-a')
  const started = await startApiProcess(names, board)
  api = started.api
  apiUrl = started.url
  panel = new PanelUnderTest(
    startupPanelConfig(
      {
        DECK_API_URL: apiUrl,
        AMQP_URI: TEST_AMQP_URI,
        ELASTICSEARCH_URL: ES_URL,
        DECK_PROJECT: `deckcrawl${Date.now()}`
      },
      REPO
    )
  )
  shell = await startWebShell({ controller: panel.panel.controller, port: 0, host: '127.0.0.1', rendererDir: dir })
}, 120_000)

afterAll(async () => {
  await shell?.close()
  await panel?.close()
  await api?.kill()
  await scraper?.kill()
  await board?.board.close()
  await cleanUpStack(names)
  rmSync(dir, { recursive: true, force: true })
})

describe('crawls through the panel session', () => {
  it(
    'starts a list crawl (invalid lines reported, duplicates counted once), follows it to the end, exports it',
    { timeout: 120_000 },
    async () => {
      const ids = board.activeIds.slice(0, 30)
      const text = [
        '# thirty active ids, one twice, two bad lines',
        ...ids,
        ids[0],
        'not/an id',
        ''.padEnd(70, 'x')
      ].join('\n')
      const started = await panel.invoke('crawlStart', { source: { kind: 'ids', text } })
      if (!started.ok) throw new Error(started.error.message)
      expect(started.value.crawl.total).toBe(30)
      expect(started.value.duplicateCount).toBe(1)
      expect(started.value.invalidCount).toBe(2)
      expect(started.value.invalidLines.map((l) => l.line)).toEqual([33, 34])

      const progress: { at: number; detail: CrawlDetail }[] = []
      const ends: string[] = []
      panel.on('streamData', (d) => {
        if (d.streamId === 'mine' && d.kind === 'crawl')
          for (const detail of d.items) progress.push({ at: Date.now(), detail })
      })
      panel.on('streamEnd', (e) => {
        if (e.streamId === 'mine') ends.push(e.reason)
      })
      const followed = await panel.invoke('streamOpen', {
        kind: 'crawl',
        params: { id: started.value.crawl.id },
        streamId: 'mine'
      })
      expect(followed).toEqual({ ok: true, value: { streamId: 'mine' } })
      // The first item is the detail when the stream opened: the crawl as it was started.
      expect(progress[0]?.detail).toMatchObject({ id: started.value.crawl.id, total: 30 })
      expect(panel.session.openStreams()).toEqual(['mine'])
      await expect.poll(() => ends.length, { timeout: 90_000 }).toBe(1)
      expect(ends[0]).toMatch(/done/)
      expect(panel.session.openStreams()).toEqual([])

      // Every event adds up, arrives at most ~4 a second, and the last one is the final state.
      for (const { detail } of progress) expectCountsAddUp(detail)
      for (let i = 1; i < progress.length; i++)
        expect(progress[i]!.at - progress[i - 1]!.at).toBeGreaterThanOrEqual(200)
      const last = progress.at(-1)?.detail
      expect(last).toMatchObject({ state: 'done', total: 30, done: 30, failed: 0 })

      const link = await panel.invoke('crawlExportUrl', { id: started.value.crawl.id, format: 'csv' })
      if (!link.ok) throw new Error(link.error.message)
      expect((await fetch(`http://127.0.0.1:${shell.port}${link.value.url}`)).status).toBe(401)
      const download = await fetch(`http://127.0.0.1:${shell.port}${link.value.url}&token=${shell.token}`)
      expect(download.status).toBe(200)
      expect(download.headers.get('content-disposition')).toMatch(/attachment; filename="crawl-.*\.csv"/)
      const rows = parse(await download.text(), { columns: true }) as {
        listingId: string
        state: string
        title: string
      }[]
      expect(rows.map((r) => r.listingId).sort()).toEqual([...ids].sort())
      expect(rows.every((r) => r.state === 'done' && r.title !== '')).toBe(true)

      // Its change report through the panel: all new to an empty registry; its changes-only export.
      const changes = await panel.invoke('crawlChanges', { id: started.value.crawl.id, kind: 'new', limit: 50 })
      if (!changes.ok) throw new Error(changes.error.message)
      expect(changes.value.counts).toEqual({ new: 30, changed: 0, unchanged: 0, gone: 0, failed: 0 })
      expect(changes.value.changes.map((c) => c.listingId).sort()).toEqual([...ids].sort())
      const changesLink = await panel.invoke('crawlExportUrl', { id: started.value.crawl.id, format: 'changes-csv' })
      if (!changesLink.ok) throw new Error(changesLink.error.message)
      const changesCsv = await fetch(`http://127.0.0.1:${shell.port}${changesLink.value.url}&token=${shell.token}`)
      expect(changesCsv.headers.get('content-disposition')).toMatch(/attachment; filename="crawl-.*-changes\.csv"/)
      const changeRows = parse(await changesCsv.text(), { columns: true }) as { listingId: string; kind: string }[]
      expect(changeRows.map((r) => r.kind)).toEqual(ids.map(() => 'new'))
    }
  )

  it('answers an unknown crawl with CrawlNotFound and a bad id with InvalidRequest, as values', async () => {
    expect(await panel.invoke('crawlGet', { id: 'no-such-crawl' })).toMatchObject({
      ok: false,
      error: { kind: 'CrawlNotFound' }
    })
    expect(await panel.invoke('streamOpen', { kind: 'crawl', params: { id: 'no-such-crawl' } })).toMatchObject({
      ok: false,
      error: { kind: 'CrawlNotFound' }
    })
    expect(panel.session.openStreams()).toEqual([])
    expect(await panel.invoke('crawlGet', { id: '../etc' })).toMatchObject({
      ok: false,
      error: { kind: 'InvalidRequest' }
    })
    expect(
      (await fetch(`http://127.0.0.1:${shell.port}/exports/crawls/no-such-crawl?format=csv&token=${shell.token}`))
        .status
    ).toBe(404)
  })

  it(
    'deck crawl start --ids-file --follow --json exits 0 with the final status; crawl status --json has the documented keys',
    { timeout: 120_000 },
    async () => {
      const file = join(dir, 'ids.txt')
      writeFileSync(file, board.activeIds.slice(40, 50).join('\n'))
      const env = { ...process.env, DECK_API_URL: apiUrl, AMQP_URI: TEST_AMQP_URI, ELASTICSEARCH_URL: ES_URL }
      const tsx = join(REPO, 'node_modules/.bin/tsx')
      const started = await run(
        tsx,
        ['src/main/cli/deck.ts', 'crawl', 'start', '--ids-file', file, '--follow', '--json'],
        { cwd: REPO, env, timeout: 100_000 }
      )
      const value = JSON.parse(started.stdout) as OperationResponse<'crawlStart'>
      expect(value.crawl.total).toBe(10)
      // It followed to the end: its last progress line is the finished crawl.
      expect(started.stderr.trim().split('\n').at(-1)).toMatch(/100% 10\/10 .*done$/)
      const status = await run(tsx, ['src/main/cli/deck.ts', 'crawl', 'status', value.crawl.id, '--json'], {
        cwd: REPO,
        env,
        timeout: 60_000
      })
      const summary = JSON.parse(status.stdout) as Record<string, unknown>
      for (const key of [
        'id',
        'state',
        'total',
        'queued',
        'scraping',
        'done',
        'failed',
        'skipped',
        'cancelled',
        'ratePerSecond',
        'etaSeconds'
      ])
        expect(summary).toHaveProperty(key)
      expect(summary).toMatchObject({ state: 'done', done: 10, failed: 0 })
      const csv = await run(tsx, ['src/main/cli/deck.ts', 'crawl', 'export', value.crawl.id, '--format', 'csv'], {
        cwd: REPO,
        env,
        timeout: 60_000
      })
      expect(parse(csv.stdout, { columns: true })).toHaveLength(10)
    }
  )
})
