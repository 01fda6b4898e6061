/**
 * A watch end to end through the web shell, on a real stack of its own with a small board
 * that changes on demand (JOBBOARD_CHURN): a watch added on the Watches view, run now; the
 * board moved one epoch (its `/_epoch` test endpoint); run now again; the second crawl's
 * Changes tab shows what the board's truth (`/_churn`) says changed, field by field, old → new.
 * Between the runs a search (a changed listing's company) is saved from the Lookup view; after
 * the second run it shows that run's match, and is removed.
 * Screenshots of each step go to test-results/.
 */
import { expect, test } from '@playwright/test'
import type { Locator, Page } from '@playwright/test'
import { panelServerForSpec } from './support/panel-server'
import { shoot } from './support/screenshots'
import { startStackFromPanel } from './support/stack-start'

/** Small, so both crawls take seconds; the churn is what the Changes tab is checked against. */
const BOARD_COUNT = 200
const CHURN = { new: 4, changed: 5, removed: 3 }
const STACK_START_MS = 7 * 60_000
const RUN_MS = 120_000

interface ChurnTruth {
  from: number
  to: number
  new: string[]
  changed: { id: string; fields: string[] }[]
  removed: string[]
}

const panelServer = panelServerForSpec('the watch e2e', {
  stackEnv: {
    JOBBOARD_COUNT: String(BOARD_COUNT),
    JOBBOARD_CHURN: `${CHURN.new}/${CHURN.changed}/${CHURN.removed}`
  }
})

/** Clicks the watch's "Run now" and waits for a run on a crawl other than `after` to end; answers its crawl id. */
async function runNowAndWait(page: Page, row: Locator, after: string | null): Promise<string> {
  await row.getByTestId('watch-run-now').click()
  const lastRun = row.getByTestId('watch-last-run')
  const crawlLine = lastRun.getByTestId('watch-last-crawl')
  await expect(async () => {
    const id = await crawlLine.getAttribute('data-crawl-id', { timeout: 1_000 })
    expect(id).not.toBeNull()
    expect(id).not.toBe(after)
    await expect(lastRun).toContainText(/^.*\bdone · \d+ done, \d+ failed/, { timeout: 1_000 })
  }).toPass({ timeout: RUN_MS, intervals: [1_000] })
  return (await crawlLine.getAttribute('data-crawl-id')) ?? ''
}

test('a watch run now twice around a board epoch: its Changes tab shows the field diffs the board made', async ({
  page
}, info) => {
  const { url, ports } = panelServer()
  const board = `http://127.0.0.1:${ports.jobboard}`
  const watches = page.getByRole('tabpanel', { name: 'Watches' })
  const row = watches.getByTestId('watch-row').filter({ hasText: 'e2e-mornings' })

  await test.step('Start stack', async () => {
    await page.goto(url)
    await startStackFromPanel(page, STACK_START_MS)
  })

  await test.step('add a watch of the board on the Watches view', async () => {
    await page.getByRole('tab', { name: 'Watches' }).click()
    await watches.getByTestId('watch-add').click()
    await watches.getByTestId('watch-name').fill('e2e-mornings')
    await expect(watches.getByTestId('watch-source-jobboard')).toBeChecked()
    await watches.getByTestId('watch-cron').fill('0 7 * * *')
    await watches.getByTestId('watch-tz').fill('Europe/Berlin')
    await expect(watches.getByTestId('watch-schedule-words')).toHaveText(/07:00.*Europe\/Berlin/)
    // The API turns healthy before its coordinator has reached Elasticsearch: the form then
    // says the watches are unavailable, and saving again a few seconds later works.
    await expect(async () => {
      if (await watches.getByTestId('watch-save').isVisible()) await watches.getByTestId('watch-save').click()
      await expect(row).toBeVisible({ timeout: 3_000 })
    }).toPass({ timeout: 120_000, intervals: [3_000] })
    await expect(row.getByTestId('watch-schedule')).toContainText('07:00')
    await expect(row.getByTestId('watch-last-run')).toHaveText('never')
  })

  let first = ''
  await test.step('run it now: its crawl fetches the whole board', async () => {
    first = await runNowAndWait(page, row, null)
    await expect(row.getByTestId('watch-last-run')).toContainText(/\d+ new, 0 changed/)
    await shoot(page, info, '01-first-run')
  })

  let truth: ChurnTruth | null = null
  await test.step('move the board one epoch', async () => {
    const moved = (await (await fetch(`${board}/_epoch`, { method: 'POST' })).json()) as { epoch: number }
    expect(moved.epoch).toBe(1)
    truth = (await (await fetch(`${board}/_churn?from=0&to=1`)).json()) as ChurnTruth
    expect([truth.new.length, truth.changed.length, truth.removed.length]).toEqual([
      CHURN.new,
      CHURN.changed,
      CHURN.removed
    ])
  })

  const lookup = page.getByRole('tabpanel', { name: 'Lookup' })
  const savedRow = lookup.getByTestId('saved-search-row').filter({ hasText: 'e2e-company' })
  await test.step("save a search for a changed listing's company in the Lookup view", async () => {
    const churn = truth!
    const jobs = (await (await fetch(`${board}/jobs.json`)).json()) as { jobs: { id: string; company: string }[] }
    const company = jobs.jobs.find((j) => j.id === churn.changed[0]!.id)!.company
    await page.getByRole('tab', { name: 'Lookup' }).click()
    await lookup.getByLabel('Search words').fill(company)
    await lookup.getByRole('button', { name: 'Search', exact: true }).click()
    const form = lookup.getByTestId('save-search-form')
    await expect(form).toBeVisible({ timeout: 30_000 })
    await form.getByTestId('save-search-name').fill('e2e-company')
    await form.getByTestId('save-search-submit').click()
    await expect(form.getByTestId('save-search-saved')).toContainText('Saved e2e-company')
    await expect(savedRow).toBeVisible()
    await expect(savedRow).toContainText(`words "${company}"`)
    await expect(savedRow).toContainText('never')
  })

  let second = ''
  await test.step('run it now again: the run says what the board changed', async () => {
    const churn = truth!
    await page.getByRole('tab', { name: 'Watches' }).click()
    second = await runNowAndWait(page, row, first)
    await expect(row.getByTestId('watch-last-run')).toContainText(
      `${churn.new.length} new, ${churn.changed.length} changed, ${churn.removed.length} gone`
    )
    await shoot(page, info, '02-second-run')
  })

  await test.step("the saved search shows the second run's match; no webhook, no deliveries; removed", async () => {
    await page.getByRole('tab', { name: 'Lookup' }).click()
    await expect(savedRow).toContainText(new RegExp(`[1-9]\\d* listings, crawl ${second}`), { timeout: 30_000 })
    await savedRow.getByTestId('saved-search-deliveries-toggle').click()
    await expect(lookup.getByText('No deliveries yet.')).toBeVisible()
    await shoot(page, info, '03-saved-search')
    page.once('dialog', (dialog) => void dialog.accept())
    await savedRow.getByTestId('saved-search-remove').click()
    await expect(savedRow).toHaveCount(0)
  })

  await test.step("the second crawl's Changes tab: every changed listing, each with its fields old → new", async () => {
    const churn = truth!
    await page.getByRole('tab', { name: 'Crawls' }).click()
    const crawls = page.getByRole('tabpanel', { name: 'Crawls' })
    await crawls.getByTestId('crawl-list').locator(`[data-crawl-id="${second}"]`).getByRole('button').first().click()
    await expect(crawls.getByTestId('crawl-page')).toHaveAttribute('data-crawl-id', second)
    await crawls.getByTestId('crawl-tab-changes').click()
    const report = crawls.getByTestId('crawl-changes')
    await expect(report.getByTestId('crawl-changes-kind-changed')).toHaveText(`Changed (${churn.changed.length})`)
    await report.getByTestId('crawl-changes-kind-changed').click()
    const rows = report.getByTestId('crawl-change')
    await expect(rows).toHaveCount(churn.changed.length)
    const shown = (await rows.locator('th code').allTextContents()).map((id) => id.trim()).sort()
    expect(shown).toEqual(churn.changed.map((c) => c.id).sort())

    // One changed listing, found by its id: exactly the fields the board changed, each old → new.
    const target = churn.changed[0]!
    await report.getByTestId('crawl-changes-search').fill(target.id)
    await expect(rows).toHaveCount(1)
    const diffs = rows.first().getByTestId('field-diffs').getByRole('listitem')
    await expect(diffs).toHaveCount(target.fields.length)
    for (const field of target.fields) {
      const diff = diffs.filter({ has: page.locator('strong', { hasText: new RegExp(`^${field}$`) }) })
      await expect(diff).toHaveCount(1)
      const before = ((await diff.locator('del').textContent()) ?? '').trim()
      const after = ((await diff.locator('ins').textContent()) ?? '').trim()
      expect(after).not.toBe(before)
      await expect(diff).toContainText(`${field}: ${before} → ${after}`)
    }
    await shoot(page, info, '04-changes-tab')
  })
})
