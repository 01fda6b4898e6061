/**
 * The Console as a person uses it, on a running stack: the services on the bus (our scraper
 * and a real Python Nameko 2.14.1 service joined through the broker's published port), a
 * remote error from our scraper, bad JSON refused where it was typed, a Python result and a
 * Python exception with its exc_type and value, and the history after a reload, run again.
 * Without a Nameko venv (never in CI) it calls only our scraper, and says so.
 */
import { expect } from '@playwright/test'
import type { Page, TestInfo } from '@playwright/test'
import { DEFAULT_SCRAPER_SERVICE } from '../../src/services/env'
import { uniqueServiceName } from '../../test/rpc/test-services'
import { deleteQueues, namekoUnavailableReason, startNamekoService } from '../../test/support/nameko'
import { shoot } from './screenshots'

export async function exerciseConsole(
  page: Page,
  info: TestInfo,
  stack: { amqpUri: string; scraperConsumers: number }
): Promise<void> {
  const unavailable = namekoUnavailableReason()
  if (unavailable !== null && process.env['CI'])
    throw new Error(`The Console step cannot call Python Nameko in CI: ${unavailable}`)
  if (unavailable !== null) console.log(`The Console step calls only our scraper: ${unavailable}.`)
  const pythonService = uniqueServiceName('e2e_console_py')
  const peer =
    unavailable === null
      ? await startNamekoService({
          module: 'interop',
          serviceName: pythonService,
          env: { INTEROP_SERVICE_NAME: pythonService },
          amqpUri: stack.amqpUri
        })
      : null
  try {
    await page.getByRole('tab', { name: 'Console' }).click()
    await expect(
      page.getByTestId(`rpc-service-${DEFAULT_SCRAPER_SERVICE}`).getByTestId('rpc-service-consumers')
    ).toHaveText(String(stack.scraperConsumers), { timeout: 30_000 })
    // Every tab stays mounted (hidden), and the Logs filters have a Service field too.
    const consolePanel = page.getByRole('tabpanel', { name: 'Console' })
    const call = async (service: string, method: string, args: string): Promise<void> => {
      await page.getByTestId(`rpc-service-${service}`).getByRole('button', { name: service }).click()
      await expect(consolePanel.getByLabel('Service', { exact: true })).toHaveValue(service)
      await page.getByLabel('Method').fill(method)
      await page.getByLabel('args (JSON array)').fill(args)
      await page.getByRole('button', { name: 'Call', exact: true }).click()
      await expect(page.getByRole('button', { name: 'Calling…' })).toBeHidden({ timeout: 30_000 })
    }
    const answer = page.getByTestId('rpc-answer')
    // Our scraper, asked for a listing the board does not have: its error by name.
    await call(DEFAULT_SCRAPER_SERVICE, 'get_job_listing_info', '["no-such-listing-999"]')
    await expect(answer).toHaveAttribute('data-outcome', 'error')
    await expect(page.getByTestId('rpc-exc-type')).toHaveText('ListingNotFound')
    // Bad JSON is explained where it was typed, and the form sends nothing.
    await page.getByLabel('args (JSON array)').fill('{"name": ')
    await expect(page.getByTestId('console-args-problem')).toHaveText(/^args is not valid JSON/)
    await page.getByLabel('args (JSON array)').fill('{}')
    await expect(page.getByTestId('console-args-problem')).toHaveText(
      /^args must be a JSON array .*; this is an object$/
    )
    let calls = 1
    if (peer !== null) {
      await expect(page.getByTestId(`rpc-service-${pythonService}`).getByTestId('rpc-service-consumers')).toHaveText(
        '1',
        { timeout: 30_000 }
      )
      await call(pythonService, 'hello', '["Mike"]')
      await expect(answer).toHaveAttribute('data-outcome', 'result')
      await expect(page.getByTestId('rpc-result')).toHaveText('"Hello, Mike!"')
      await expect(page.getByTestId('rpc-took')).toHaveText(/^took \d+ ms$/)
      await call(pythonService, 'fail', '')
      await expect(page.getByTestId('rpc-exc-type')).toHaveText('ValueError')
      await expect(page.getByTestId('rpc-exc-value')).toHaveText("('bad', 42)")
      calls = 3
    }
    await expect(page.getByTestId('rpc-history').getByRole('listitem')).toHaveCount(calls)
    await shoot(page, info, 'console', { file: 'console.png', view: 'viewport' })
    // The history is kept across a reload, and a call in it runs again as it was.
    await page.reload()
    await page.getByRole('tab', { name: 'Console' }).click()
    await expect(page.getByTestId('rpc-history').getByRole('listitem')).toHaveCount(calls)
    await page.getByRole('button', { name: `Run ${DEFAULT_SCRAPER_SERVICE}.get_job_listing_info again` }).click()
    await expect(page.getByTestId('rpc-exc-type')).toHaveText('ListingNotFound', { timeout: 30_000 })
    await expect(page.getByTestId('rpc-history').getByRole('listitem').first()).toContainText('get_job_listing_info')
  } finally {
    await peer?.stop()
    if (peer !== null) await deleteQueues([`rpc-${pythonService}`], { amqpUri: stack.amqpUri })
  }
}
