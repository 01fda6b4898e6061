/**
 * Autoscale end to end through the web shell, on a real stack of its own (only RabbitMQ, the
 * job board and the scraper, each started from its row): a backlog of RPC requests on the
 * scraper's queue, the autoscale toggle turned on with max 3, the first decision on screen
 * (its formula, clamp and why), the scrapers at 3, the decision marked on the queue chart.
 * Screenshots go to test-results/; UPDATE_DOCS_SCREENSHOTS=1 also refreshes
 * docs/autoscale-decision.png and docs/autoscale-queue-chart.png.
 */
import { randomUUID } from 'node:crypto'
import { connect } from 'amqplib'
import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { DEFAULT_SCRAPER_SERVICE } from '../src/services/env'
import { panelServerForSpec } from './support/panel-server'
import { shoot } from './support/screenshots'

/** A board at 1 s a page: ~10 listings/s a replica, so 400 requests stay a backlog while the replicas start. */
const BOARD_LATENCY_MS = 1000
const BACKLOG = 400
const MAX = 3
const SERVICES = ['rabbitmq', 'jobboard', 'scraper']

const panelServer = panelServerForSpec('the real-stack autoscale e2e', {
  stackEnv: { JOBBOARD_LATENCY_MS: String(BOARD_LATENCY_MS) }
})

/**
 * Starts a service from its row. RabbitMQ must be healthy (its management API gives the queue's
 * figures); the others only running: on a machine at a load of 100 the board's healthcheck
 * timed out for minutes while it served pages, and the autoscaler counts running replicas.
 */
async function startService(page: Page, service: string): Promise<void> {
  await page.getByRole('button', { name: `Start ${service}`, exact: true }).click()
  if (service === 'rabbitmq')
    await expect(page.getByTestId(`health-${service}`)).toHaveText('healthy', { timeout: 420_000 })
  else
    await expect(page.getByTestId(`service-${service}`)).not.toHaveAttribute('data-state', /^(down|stopped)$/, {
      timeout: 120_000
    })
}

/** Nameko RPC requests for `get_job_listing_info`, published as a caller would (replies go to a queue nobody reads). */
async function publishBacklog(amqpUri: string, jobboardPort: number, count: number): Promise<void> {
  const jobs = (await (await fetch(`http://127.0.0.1:${jobboardPort}/jobs.json`)).json()) as { jobs: { id: string }[] }
  // The stack's generated user (its credentials file), as the panel itself connects.
  const connection = await connect(amqpUri)
  const channel = await connection.createConfirmChannel()
  const replies = await channel.assertQueue(`e2e-autoscale-replies-${randomUUID()}`, {
    durable: false,
    autoDelete: false
  })
  for (let i = 0; i < count; i++) {
    const id = jobs.jobs[i % jobs.jobs.length]?.id ?? '1'
    channel.publish(
      'nameko-rpc',
      `${DEFAULT_SCRAPER_SERVICE}.get_job_listing_info`,
      Buffer.from(JSON.stringify({ args: [id], kwargs: {} })),
      {
        replyTo: replies.queue,
        correlationId: randomUUID(),
        contentType: 'application/json'
      }
    )
  }
  await channel.waitForConfirms()
  await connection.close()
}

test('autoscale the scrapers from a backlog: the toggle on, the first decision and why, 3 scrapers, the chart marked', async ({
  page
}, info) => {
  const { url, ports, amqpUri } = panelServer()

  await test.step('start RabbitMQ, the job board and one scraper from their rows', async () => {
    await page.goto(url)
    for (const service of SERVICES) await startService(page, service)
    await expect(page.getByTestId('replicas-scraper')).toHaveText('1/1')
  })

  await test.step(`${BACKLOG} requests on the scraper's queue`, async () => {
    // Its RPC server declares the exchange and the queue: publish once it consumes.
    await page.getByRole('tab', { name: /^Queue/ }).click()
    await expect(page.getByTestId('queue-consumers')).toHaveText('1', { timeout: 120_000 })
    await publishBacklog(amqpUri, ports.jobboard, BACKLOG)
    await expect(async () =>
      expect(Number(await page.getByTestId('queue-ready').textContent())).toBeGreaterThan(100)
    ).toPass({ timeout: 30_000 })
    await page.getByRole('tab', { name: 'Stack' }).click()
  })

  await test.step(`autoscale on with max ${MAX}: the first decision says why, and the scrapers go to ${MAX}`, async () => {
    const toggle = page.getByRole('switch', { name: 'Autoscale scraper' })
    await expect(toggle).not.toBeChecked()
    const max = page.getByTestId('autoscale-max-scraper')
    await max.fill(String(MAX))
    await max.press('Enter')
    await expect(max).toHaveValue(String(MAX))
    // The switch is controlled: it turns on when the panel has answered autoscaleSet, which can
    // take longer than check()'s own look right after the click (it failed so in CI).
    await toggle.click()
    await expect(toggle).toBeChecked({ timeout: 15_000 })
    const why = page.getByTestId('autoscale-why-scraper')
    await expect(why).toContainText(`Why ${MAX} replicas:`, { timeout: 20_000 })
    await expect(why).toContainText(
      /1 → 3 \(up\): ceil\(\(\d+ ready \+ \d+ unacked\) ÷ 50\) = \d+, clamped to max 3; Scale up at once: 1 → 3/
    )
    await expect(page.getByTestId('replicas-scraper')).toHaveText(`${MAX}/${MAX}`, { timeout: 60_000 })
    await page.getByTestId('autoscale-scraper').getByText('Last scale decisions').click()
    await expect(page.getByTestId('autoscale-decisions-scraper')).toContainText('1 → 3 (up)')
    await shoot(page, info, '01-autoscale-decision', { file: 'autoscale-decision.png', view: 'viewport' })
  })

  await test.step('the decision on the queue chart', async () => {
    await page.getByRole('tab', { name: /^Queue/ }).click()
    await expect(page.getByRole('img', { name: /Depth, consumers and scraper replicas/ })).toBeVisible()
    // Two samples past the decision, so the marker sits inside the drawn range.
    await page.waitForTimeout(2500)
    await shoot(page, info, '02-autoscale-queue-chart', { file: 'autoscale-queue-chart.png', view: 'viewport' })
  })

  await test.step('autoscale off again', async () => {
    await page.getByRole('tab', { name: 'Stack' }).click()
    const toggle = page.getByRole('switch', { name: 'Autoscale scraper' })
    // Controlled, like turning it on: it turns off when the panel has answered.
    await toggle.click()
    await expect(toggle).not.toBeChecked({ timeout: 15_000 })
  })
})
