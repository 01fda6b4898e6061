/**
 * Scales the scrapers one click of the stepper at a time, as a person would, until the
 * page shows `target` running: each click waits for the previous scale to be accepted.
 */
import { expect } from '@playwright/test'
import type { Page } from '@playwright/test'

export async function scaleScrapersFromStepper(page: Page, from: number, target: number): Promise<void> {
  const more = page.getByRole('button', { name: 'One scraper replica more' })
  for (let desired = from + 1; desired <= target; desired++) {
    await expect(more).toBeEnabled({ timeout: 120_000 })
    await more.click()
    await expect(page.getByTestId('replicas-desired-scraper')).toHaveText(String(desired))
  }
  await expect(page.getByTestId('replicas-scraper')).toHaveText(`${target}/${target}`, { timeout: 180_000 })
  await expect(page.getByTestId('service-scraper')).toHaveAttribute('data-state', 'up', { timeout: 180_000 })
}
