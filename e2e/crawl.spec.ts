/**
 * Crawls end to end through the web shell, on a real stack of its own with a big, slow job
 * board: "crawl the whole board" from the Crawls view, its backlog on the Queue view, two
 * clicks on + and the measured rate rising, a second crawl (a pasted list) cancelled with its
 * counts adding up, the first crawl's CSV downloaded and checked row by row, a failed item's
 * log lines two clicks away, the stack stopped.
 * Screenshots of each step go to test-results/; UPDATE_DOCS_SCREENSHOTS=1 also refreshes
 * docs/crawl-running.png.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { CRAWL_ITEM_STATES, EXPORT_COLUMNS } from '../src/shared/crawl'
import type { CrawlItemState } from '../src/shared/crawl'
import { panelServerForSpec } from './support/panel-server'
import { shoot } from './support/screenshots'
import { STACK_SERVICES, startStackFromPanel } from './support/stack-start'

/**
 * A board the scrapers cannot drain at once. With SCRAPER_MAX_WORKERS 10 a replica finishes
 * about 10 / latency ids a second; at 1 s a page that is ~10/s at one replica and ~30/s at
 * three, so 3,000 ids keep a backlog through the whole scale-up (containers start slowly on
 * a loaded machine) while using little CPU: the rate is bound by the board, not the machine,
 * and rises with the replicas. (At 200 ms, 2,000 ids would be gone before two more replicas
 * were healthy.)
 */
const BOARD_COUNT = 3000
const BOARD_LATENCY_MS = 1000
/** Elasticsearch took over 7 min to turn healthy beside other stacks at a load average of 40. */
const UP_TIMEOUT_MS = 10 * 60_000
const STACK_START_MS = UP_TIMEOUT_MS + 60_000
/** The crawl's rate is over the last 30 s: read it once a whole window is at one replica. */
const RATE_WINDOW_MS = 30_000
/** Three replicas should finish ids ~3× as fast; accept 1.6× on a loaded machine. */
const MIN_RATE_GAIN = 1.6
const SECOND_CRAWL_IDS = 300

const panelServer = panelServerForSpec('the real-stack crawl e2e', {
  stackEnv: { JOBBOARD_COUNT: String(BOARD_COUNT), JOBBOARD_LATENCY_MS: String(BOARD_LATENCY_MS) },
  upTimeoutMs: UP_TIMEOUT_MS
})

/** "12.3/s" or "140/s" → 12.3 / 140; "0/s" → 0. */
function rateOf(text: string | null): number {
  const match = /^([\d.]+)\/s$/.exec((text ?? '').trim())
  if (!match) throw new Error(`not a rate: ${JSON.stringify(text)}`)
  return Number(match[1])
}

/** A count as the page prints it (toLocaleString, e.g. "2,987"). */
function countOf(text: string | null): number {
  return Number((text ?? '').replace(/[^\d]/g, ''))
}

async function countsOnPage(page: Page): Promise<{ total: number; byState: Record<CrawlItemState, number> }> {
  const byState = Object.fromEntries(CRAWL_ITEM_STATES.map((state) => [state, 0])) as Record<CrawlItemState, number>
  for (const state of CRAWL_ITEM_STATES)
    byState[state] = countOf(await page.getByTestId(`crawl-count-${state}`).textContent())
  return { total: countOf(await page.getByTestId('crawl-count-total').textContent()), byState }
}

test('crawl the whole board: backlog, scale to 3 and a faster rate, cancel another crawl, export CSV', async ({
  page
}, info) => {
  const { url, ports } = panelServer()
  const crawlsTab = page.getByRole('tab', { name: 'Crawls' })

  await test.step('Start stack: every service healthy', async () => {
    await page.goto(url)
    await startStackFromPanel(page, STACK_START_MS)
    await expect(page.getByTestId('replicas-scraper')).toHaveText('1/1')
  })

  let firstId = ''
  await test.step(`crawl the whole board (${BOARD_COUNT} listings at ${BOARD_LATENCY_MS} ms a page)`, async () => {
    await crawlsTab.click()
    const report = page.getByTestId('crawl-start-report')
    // The API turns healthy before its coordinator has reached Elasticsearch and RabbitMQ:
    // the form then says "still starting, try again in a few seconds", and so the test does.
    await expect(async () => {
      if (await report.isVisible()) return
      await page.getByTestId('crawl-new-board').click()
      await expect(report.or(page.getByText('The crawl coordinator is still starting'))).toBeVisible({
        timeout: 30_000
      })
      await expect(report).toBeVisible({ timeout: 1_000 })
    }).toPass({ timeout: 180_000, intervals: [3_000] })
    await report.getByTestId('crawl-open-started').click()
    const crawlPage = page.getByTestId('crawl-page')
    await expect(crawlPage).toHaveAttribute('data-state', 'running')
    firstId = (await crawlPage.getAttribute('data-crawl-id')) ?? ''
    expect(firstId).not.toBe('')
    // The sitemap is read in the background: every listing of the board becomes an id.
    await expect(page.getByTestId('crawl-count-total')).toHaveText(BOARD_COUNT.toLocaleString('en-US'), {
      timeout: 60_000
    })
    await shoot(page, info, '01-crawl-started')
  })

  await test.step('the backlog on the Queue view: ready in the thousands', async () => {
    await page.getByRole('tab', { name: /^Queue/ }).click()
    const chooser = page.getByRole('combobox', { name: 'Queue' })
    // Only offered when the broker has more than one RPC queue: pick the scraper's.
    if ((await chooser.count()) > 0) {
      const values = await chooser
        .locator('option')
        .evaluateAll((options) => options.map((o) => o.getAttribute('value') ?? ''))
      const scraperQueue = values.find((v) => v.startsWith('rpc-') && !v.includes('reply'))
      if (scraperQueue) await chooser.selectOption(scraperQueue)
    }
    await expect(async () => {
      expect(countOf(await page.getByTestId('queue-ready').textContent())).toBeGreaterThanOrEqual(1000)
    }).toPass({ timeout: 60_000 })
    await expect(page.getByTestId('queue-consumers')).toHaveText('1')
    await shoot(page, info, '02-queue-backlog')
  })

  const rate = page.getByTestId('crawl-rate')
  let rateAtOne = 0
  await test.step('the rate at one scraper, over a whole 30 s window', async () => {
    await crawlsTab.click()
    await expect(page.getByTestId('crawl-page')).toHaveAttribute('data-crawl-id', firstId)
    await expect(async () => expect(rateOf(await rate.textContent())).toBeGreaterThan(0)).toPass({ timeout: 120_000 })
    await page.waitForTimeout(RATE_WINDOW_MS + 5_000)
    rateAtOne = rateOf(await rate.textContent())
    expect(rateAtOne).toBeGreaterThan(0)
    info.annotations.push({ type: 'rate at 1 scraper', description: `${rateAtOne}/s` })
    await shoot(page, info, '03-rate-at-one')
  })

  await test.step('+ twice on the crawl page: 3 scrapers, and the rate rises', async () => {
    const more = page.getByRole('button', { name: 'One scraper replica more' })
    for (let i = 0; i < 2; i++) {
      await expect(more).toBeEnabled({ timeout: 120_000 })
      await more.click()
    }
    await expect(page.getByText('(3 running)')).toBeVisible({ timeout: 240_000 })
    // Two more replicas drain the same backlog: the 30 s rate climbs as the window fills.
    await expect(async () => {
      const now = rateOf(await rate.textContent())
      expect(now).toBeGreaterThanOrEqual(rateAtOne * MIN_RATE_GAIN)
    }).toPass({ timeout: 90_000, intervals: [2_000] })
    const rateAtThree = rateOf(await rate.textContent())
    info.annotations.push({
      type: 'rate at 3 scrapers',
      description: `${rateAtThree}/s (×${(rateAtThree / rateAtOne).toFixed(2)})`
    })
    await expect(page.getByTestId('crawl-replica-row')).toHaveCount(3, { timeout: 30_000 })
    await shoot(page, info, '04-rate-at-three', { file: 'crawl-running.png', view: 'viewport' })
  })

  await test.step(`a second crawl of ${SECOND_CRAWL_IDS} pasted ids, cancelled: its counts add up`, async () => {
    const jobs = (await (await fetch(`http://127.0.0.1:${ports.jobboard}/jobs.json`)).json()) as {
      jobs: { id: string }[]
    }
    const ids = jobs.jobs.slice(-SECOND_CRAWL_IDS).map((j) => j.id)
    await page.getByTestId('crawl-back').click()
    await page.getByTestId('crawl-new-source-ids').check()
    await page.getByTestId('crawl-new-ids').fill(ids.join('\n'))
    // Scrape them again even if the first crawl already has: they queue behind its backlog.
    await page.getByTestId('crawl-new-refresh').check()
    await page.getByTestId('crawl-new-name').fill('pasted, to cancel')
    await page.getByTestId('crawl-new-start').click()
    const report = page.getByTestId('crawl-start-report')
    await expect(report).toContainText(`with ${SECOND_CRAWL_IDS} ids`, { timeout: 30_000 })
    await report.getByTestId('crawl-open-started').click()
    const crawlPage = page.getByTestId('crawl-page')
    await expect(crawlPage).toHaveAttribute('data-state', 'running')
    expect(await crawlPage.getAttribute('data-crawl-id')).not.toBe(firstId)
    await page.getByTestId('crawl-cancel').click()
    await expect(crawlPage).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 })
    await expect(async () => {
      const { total, byState } = await countsOnPage(page)
      expect(total).toBe(SECOND_CRAWL_IDS)
      expect(Object.values(byState).reduce((a, b) => a + b, 0)).toBe(total)
      expect(byState.cancelled).toBeGreaterThan(0)
      expect(byState.queued + byState.scraping).toBe(0)
    }).toPass({ timeout: 30_000 })
    await shoot(page, info, '05-second-crawl-cancelled')
  })

  await test.step('export the first crawl as CSV: the export columns, one row per id', async () => {
    await page.getByTestId('crawl-back').click()
    await page.getByTestId('crawl-list').locator(`[data-crawl-id="${firstId}"]`).getByRole('button').first().click()
    await expect(page.getByTestId('crawl-page')).toHaveAttribute('data-crawl-id', firstId)
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByTestId('crawl-export-csv').click()
    ])
    expect(download.suggestedFilename()).toBe(`crawl-${firstId}.csv`)
    const text = readFileSync(await download.path(), 'utf8')
    const rows = parse(text, { bom: true }) as string[][]
    expect(rows[0]).toEqual([...EXPORT_COLUMNS])
    const records = rows.slice(1)
    expect(records).toHaveLength(BOARD_COUNT)
    const idAt = EXPORT_COLUMNS.indexOf('listingId')
    const ids = records.map((r) => r[idAt])
    expect(new Set(ids).size).toBe(BOARD_COUNT)
    const stateAt = EXPORT_COLUMNS.indexOf('state')
    const titleAt = EXPORT_COLUMNS.indexOf('title')
    for (const record of records) {
      expect(record).toHaveLength(EXPORT_COLUMNS.length)
      expect(CRAWL_ITEM_STATES).toContain(record[stateAt])
      if (record[stateAt] === 'done') expect(record[titleAt]).not.toBe('')
    }
    expect(records.filter((r) => r[stateAt] === 'done').length).toBeGreaterThan(0)
    await shoot(page, info, '06-first-crawl-exported')
  })

  await test.step('from a failed item to its log lines in two clicks: every line carries its listing id', async () => {
    await expect(page.getByTestId('crawl-page')).toHaveAttribute('data-crawl-id', firstId)
    await page.getByRole('button', { name: 'Show the failed ids' }).click()
    const failedRow = page.locator('[data-testid="crawl-item"][data-state="failed"]').first()
    await expect(failedRow).toBeVisible({ timeout: 30_000 })
    const listingId = ((await failedRow.locator('th code').textContent()) ?? '').trim()
    expect(listingId).not.toBe('')
    await failedRow.getByTestId('item-logs').click()
    await expect(page.getByTestId('logs-view')).toBeVisible()
    await expect(page.getByTestId('logs-listing')).toHaveValue(listingId)
    const rows = page.getByTestId('log-row')
    // The scraper's line and the coordinator's, shipped within seconds of the attempt.
    await expect(rows.filter({ hasText: 'item failed' })).not.toHaveCount(0, { timeout: 60_000 })
    await expect(rows.filter({ hasText: 'listing not scraped' })).not.toHaveCount(0, { timeout: 60_000 })
    for (const fields of await page.locator('[data-testid="log-row"] .logs-table__fields').allTextContents())
      expect(fields).toContain(`listingId=${listingId}`)
    await shoot(page, info, '07-failed-item-logs')
    await crawlsTab.click()
  })

  await test.step('Stop stack: all stopped', async () => {
    await page.getByRole('tab', { name: 'Stack' }).click()
    await page.getByRole('button', { name: 'Stop stack' }).click()
    for (const service of STACK_SERVICES) {
      await expect(page.getByTestId(`service-${service}`)).toHaveAttribute('data-state', /^(down|stopped)$/, {
        timeout: 180_000
      })
    }
    await shoot(page, info, '08-stopped')
  })
})
