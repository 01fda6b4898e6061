/**
 * Fleet operations end to end through the web shell, on a stack of its own: the job board's
 * CPU, memory and sparkline in the stack table with the host line; a container killed outside
 * the panel notified through the page's Notification API (Chromium's permission granted,
 * window.Notification wrapped to record what the app's code shows); and the notification
 * settings panel, whose switch persists across a reload and silences that kind.
 * UPDATE_DOCS_SCREENSHOTS=1 refreshes docs/fleet-stats.png and docs/notification-settings.png.
 */
import { execFileSync } from 'node:child_process'
import { expect, test } from '@playwright/test'
import type { Page } from '@playwright/test'
import { panelServerForSpec } from './support/panel-server'
import { shoot } from './support/screenshots'
import { containerName } from '../src/main/stack/compose-labels'

const panelServer = panelServerForSpec('the fleet e2e')

interface RecordedNotice {
  title: string
  body: string
}

/**
 * Runs in the page before its own code: `window.Notification` becomes a subclass of the
 * browser's own that records each notice the app shows (and still shows it).
 */
const RECORD_NOTIFICATIONS = `
  window.__notices = [];
  const Native = window.Notification;
  window.Notification = class extends Native {
    constructor(title, options) {
      super(title, options);
      window.__notices.push({ title, body: (options && options.body) || '' });
    }
  };
`

/** What the page's code passed to `new Notification(…)`, in order. */
function notices(page: Page): Promise<RecordedNotice[]> {
  return page.evaluate('window.__notices') as Promise<RecordedNotice[]>
}

test('resource use in the stack table, a killed container notified, and the settings that silence it', async ({
  page,
  context
}, info) => {
  test.setTimeout(180_000)
  const { url, project } = panelServer()
  const board = containerName('v2', project, 'jobboard', 1)

  await context.grantPermissions(['notifications'])
  // Recorded and still shown: the wrapper calls the browser's own Notification.
  await context.addInitScript({ content: RECORD_NOTIFICATIONS })

  await test.step('the job board started: its CPU, memory and sparkline, and the host line', async () => {
    await page.goto(url)
    const row = page.getByTestId('service-jobboard')
    await row.getByRole('button', { name: 'Start jobboard', exact: true }).click()
    await expect(row).toHaveAttribute('data-state', 'up', { timeout: 90_000 })
    await expect(page.getByTestId('cpu-jobboard')).toHaveText(/^\d+\.\d %$/, { timeout: 20_000 })
    await expect(page.getByTestId('memory-jobboard')).toHaveText(/^\d+(\.\d)? (KiB|MiB)$/)
    // Two readings at least draw a line.
    await expect(page.getByTestId('sparkline-jobboard').locator('polyline')).toHaveCount(1, { timeout: 20_000 })
    await expect(page.getByTestId('host-line')).toHaveText(
      /^Host: \d+ cores \(\d+\.\d busy\) · memory .+ used of .+ · \d+ containers running$/
    )
    await shoot(page, info, '01-stats', { file: 'fleet-stats.png', view: 'viewport' })
  })

  await test.step('killed outside the panel: "exited" shows as a desktop notification', async () => {
    execFileSync('docker', ['kill', board])
    await expect(page.getByTestId('service-jobboard')).toHaveAttribute('data-state', 'down', { timeout: 20_000 })
    await expect
      .poll(async () => (await notices(page)).map((n) => n.title), { timeout: 20_000 })
      .toContain(`${board} exited`)
    const notice = (await notices(page)).find((n) => n.title === `${board} exited`)
    expect(notice?.body).toContain('the panel did not stop it')
  })

  await test.step('the settings panel: switching "exits" off persists across a reload and silences the next exit', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click()
    await expect(page.getByTestId('notification-permission')).toContainText('granted')
    const exits = page.getByTestId('setting-kind-containerExited')
    await expect(exits).toBeChecked()
    await exits.uncheck()
    await expect(page.getByRole('status').filter({ hasText: 'Saved in this browser' })).toBeVisible()
    await page.getByTestId('setting-backlogThreshold').fill('250')
    await shoot(page, info, '02-settings', { file: 'notification-settings.png', view: 'viewport' })
    await page.reload()
    await page.getByRole('tab', { name: 'Settings' }).click()
    await expect(page.getByTestId('setting-kind-containerExited')).not.toBeChecked()
    await expect(page.getByTestId('setting-backlogThreshold')).toHaveValue('250')

    await page.getByRole('tab', { name: 'Stack' }).click()
    const row = page.getByTestId('service-jobboard')
    await row.getByRole('button', { name: 'Start jobboard', exact: true }).click()
    await expect(row).toHaveAttribute('data-state', 'up', { timeout: 90_000 })
    execFileSync('docker', ['kill', board])
    await expect(row).toHaveAttribute('data-state', 'down', { timeout: 20_000 })
    // The status that showed it down went to the notifier first; give it a moment anyway.
    await page.waitForTimeout(1000)
    expect((await notices(page)).filter((n) => n.title.endsWith('exited'))).toEqual([])
  })
})
