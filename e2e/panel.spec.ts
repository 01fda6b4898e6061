/**
 * The panel end to end through its web shell, on a real stack of its own, from stopped to
 * running at 3 scrapers and back: what a person sees at each step, with a screenshot of each
 * step in test-results/. UPDATE_DOCS_SCREENSHOTS=1 also refreshes the three in docs/.
 */
import { expect, test } from '@playwright/test'
import { activeListingId, panelServerForSpec } from './support/panel-server'
import { shoot } from './support/screenshots'
import { scaleScrapersFromStepper } from './support/scale-step'
import { containerName } from '../src/main/stack/compose-labels'
import { exerciseConsole } from './support/console-step'

const SERVICES = ['rabbitmq', 'elasticsearch', 'scraper', 'api', 'jobboard']
const STACK_START_MS = 6 * 60_000

const panelServer = panelServerForSpec('the real-stack e2e')

test('from a stopped stack to 3 scrapers, lookups fresh and cached, and back to stopped', async ({ page }, info) => {
  const server = panelServer()
  const { url, ports } = server

  const lookupsSent: string[] = []
  page.on('websocket', (socket) => {
    socket.on('framesent', (frame) => {
      const text = String(frame.payload)
      if (text.includes('"operation":"lookup"')) lookupsSent.push(text)
    })
  })
  const row = (service: string) => page.getByTestId(`service-${service}`)

  await test.step('the stack is stopped', async () => {
    await page.goto(url)
    await expect(page.getByRole('heading', { name: /^Stack/ })).toBeVisible()
    for (const service of SERVICES) {
      await expect(row(service)).toHaveAttribute('data-state', /^(down|stopped)$/)
      await expect(page.getByTestId(`replicas-${service}`)).toHaveText(/^0\//)
    }
    // The token left the address bar; the cookie carries it.
    expect(page.url()).not.toContain('token=')
    await shoot(page, info, '01-stopped')
  })

  await test.step('Start stack: every service turns healthy on screen', async () => {
    await page.getByRole('button', { name: 'Start stack' }).click()
    await expect(page.getByTestId('operation-running')).toBeVisible()
    await shoot(page, info, '02-starting')
    for (const service of SERVICES) {
      await expect(row(service)).toHaveAttribute('data-state', 'up', { timeout: STACK_START_MS })
      await expect(page.getByTestId(`health-${service}`)).toHaveText('healthy')
    }
    await expect(page.getByTestId('operation-running')).toBeHidden({ timeout: 60_000 })
    await shoot(page, info, '03-running')
  })

  await test.step('scale the scrapers to 3: 3 replicas on the page and 3 consumers on the queue', async () => {
    await scaleScrapersFromStepper(page, 1, 3)
    await shoot(page, info, '04-scaled-to-3', { file: 'stack-3-replicas.png', view: 'page' })
    // The log drawer of one replica: its lines, a filter, Escape to close.
    await page.getByTestId('service-scraper').getByText('Logs').click()
    await page.getByRole('button', { name: new RegExp(containerName('v2', server.project, 'scraper', 3)) }).click()
    const drawer = page.getByRole('complementary', { name: /^Logs of .*-scraper-3$/ })
    await expect(drawer.getByText(/^[1-9]\d* of [1-9]\d* lines/)).toBeVisible({ timeout: 30_000 })
    await drawer.getByLabel('Filter log lines').fill('no line says this')
    await expect(drawer.getByText(/^0 of [1-9]\d* lines/)).toBeVisible()
    await drawer.getByLabel('Filter log lines').press('Escape')
    await expect(drawer).toBeHidden()
    await page.getByRole('tab', { name: /^Queue/ }).click()
    await expect(page.getByTestId('queue-consumers')).toHaveText('3', { timeout: 60_000 })
    await expect(page.getByTestId('finding')).toHaveCount(0)
    await shoot(page, info, '05-queue-3-consumers')
  })

  const id = await activeListingId(ports.jobboard)

  await test.step(`look up listing ${id}: a card from a fresh scrape`, async () => {
    await page.getByRole('tab', { name: 'Lookup' }).click()
    await page.getByLabel('Listing id').fill(id)
    await page.getByRole('button', { name: 'Look up' }).click()
    const card = page.getByTestId('listing-card')
    await expect(card).toBeVisible({ timeout: 60_000 })
    await expect(card).toHaveAttribute('data-source', 'scrape')
    await expect(page.getByTestId('listing-origin')).toContainText('Fresh scrape')
    await expect(card.getByRole('heading')).not.toBeEmpty()
    await expect(card.getByRole('link', { name: 'Open the listing' })).toHaveAttribute(
      'href',
      new RegExp(`/jobs/${id}$`)
    )
    await shoot(page, info, '06-lookup-fresh', { file: 'lookup-result.png', view: 'page' })
  })

  await test.step('look it up again: from the cache', async () => {
    await page.getByRole('button', { name: 'Look up' }).click()
    await expect(page.getByTestId('listing-card')).toHaveAttribute('data-source', 'cache', { timeout: 30_000 })
    await expect(page.getByTestId('listing-origin')).toContainText(/From the cache, cached \d+ s ago/)
    await expect(page.getByTestId('lookup-history').getByRole('listitem')).toHaveCount(2)
    await shoot(page, info, '07-lookup-cached')
  })

  await test.step('an invalid id: a clear message and no request', async () => {
    const before = lookupsSent.length
    expect(before).toBe(2)
    const input = page.getByLabel('Listing id')
    await input.fill('12/3')
    await expect(page.getByTestId('listing-id-problem')).toHaveText(
      /A listing id is 1–64 characters of letters, digits/
    )
    await expect(input).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByRole('button', { name: 'Look up' })).toBeDisabled()
    await input.press('Enter')
    await page.waitForTimeout(500)
    expect(lookupsSent.length).toBe(before)
    await shoot(page, info, '08-invalid-id')
  })

  await test.step('search the cached listings and narrow by a skill', async () => {
    const title = (await page.getByTestId('listing-card').getByRole('heading').textContent()) ?? ''
    const word = title.split(/\s+/).find((w) => w.length > 2) ?? title
    await page.getByLabel('Search words').fill(word)
    // The index makes a new document searchable within its refresh interval (1 s).
    await expect(async () => {
      await page.getByRole('button', { name: 'Search' }).click()
      await expect(page.getByRole('button', { name: title }).first()).toBeVisible({ timeout: 1_000 })
    }).toPass({ timeout: 20_000 })
    const skill = (await page.getByTestId('listing-card').getByRole('listitem').first().textContent()) ?? ''
    const facet = page
      .getByRole('group', { name: 'Skills' })
      .getByRole('checkbox', { name: new RegExp(`^${skill.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+\\)$`) })
    await facet.check()
    await expect(page.getByRole('status').filter({ hasText: `with ${skill}` })).toBeVisible()
    await expect(page.getByRole('button', { name: title }).first()).toBeVisible()
    await shoot(page, info, '09-search')
  })

  await test.step('the Console: the services on the bus, calls to a Python Nameko peer and to our scraper, the history after a reload', async () => {
    await exerciseConsole(page, info, { amqpUri: server.amqpUri, scraperConsumers: 3 })
  })

  await test.step('a log follow of the API carries on through a web-shell restart', async () => {
    await page.getByRole('tab', { name: 'Stack' }).click()
    // The scraper row's Logs menu from the scaling step is still open and covers the api row.
    const openMenu = page.locator('[data-testid="service-scraper"] details[open] > summary')
    if ((await openMenu.count()) > 0) await openMenu.click()
    await page.getByTestId('service-api').getByText('Logs').click()
    await page.getByRole('button', { name: new RegExp(`${server.project}-api-1`) }).click()
    const drawer = page.getByRole('complementary', { name: /^Logs of .*-api-1$/ })
    const count = drawer.getByText(/^\d+ of \d+ lines/)
    await expect(count).toBeVisible({ timeout: 30_000 })
    const before = Number(/of (\d+) lines/.exec((await count.textContent()) ?? '')?.[1])
    await server.restartWebShell()
    await expect(page.getByRole('alert').filter({ hasText: 'Lost the connection to the panel server' })).toBeHidden({
      timeout: 30_000
    })
    // A request to the API makes it log a line; the drawer's follow, opened again under the
    // same id after the reconnect, shows it without the user doing anything.
    await expect(async () => {
      await fetch(`http://127.0.0.1:${ports.api}/joblisting/${id}`)
      const now = Number(/of (\d+) lines/.exec((await count.textContent()) ?? '')?.[1])
      expect(now).toBeGreaterThan(before)
    }).toPass({ timeout: 30_000 })
    await expect(count).not.toContainText('stream ended')
    await shoot(page, info, '10-log-follow-after-reconnect')
    await drawer.getByLabel('Filter log lines').press('Escape')
    await expect(drawer).toBeHidden()
  })

  await test.step('Stop stack: all stopped', async () => {
    await page.getByRole('tab', { name: 'Stack' }).click()
    await page.getByRole('button', { name: 'Stop stack' }).click()
    for (const service of SERVICES) {
      await expect(row(service)).toHaveAttribute('data-state', /^(down|stopped)$/, { timeout: 180_000 })
      await expect(page.getByTestId(`replicas-${service}`)).toHaveText(/^0\//)
    }
    await shoot(page, info, '11-stopped-again')
  })
})
