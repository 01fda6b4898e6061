/**
 * "Start stack" clicked on the Stack view, waiting until every service is up, or failing at
 * once with the start's error when one shows (not after the whole timeout).
 */
import { expect } from '@playwright/test'
import type { Page } from '@playwright/test'

export const STACK_SERVICES = ['rabbitmq', 'elasticsearch', 'scraper', 'api', 'jobboard'] as const

export async function startStackFromPanel(page: Page, timeoutMs: number): Promise<void> {
  await expect(page.getByTestId('service-api')).toHaveAttribute('data-state', /^(down|stopped)$/)
  await page.getByRole('button', { name: 'Start stack' }).click()
  const failure = page.getByRole('alert').filter({ hasText: /^A container failed|did not become|could not/ })
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const states = await Promise.all(
      STACK_SERVICES.map((s) => page.getByTestId(`service-${s}`).getAttribute('data-state'))
    )
    if (states.every((s) => s === 'up') || (await failure.count()) > 0 || Date.now() > deadline) break
    await page.waitForTimeout(1_000)
  }
  await expect(failure).toHaveCount(0)
  for (const service of STACK_SERVICES)
    await expect(page.getByTestId(`service-${service}`)).toHaveAttribute('data-state', 'up')
  await expect(page.getByTestId('operation-running')).toBeHidden({ timeout: 60_000 })
}
