/**
 * The same smoke path in the whole Electron 45 app, where an Electron 45 binary exists (a normal
 * install, or ELECTRON_OVERRIDE_DIST_PATH). Where it does not, as on machines that cannot
 * download it, the spec is skipped and says why: it does not fake Electron. The window and
 * preload layer is also checked in Electron 22 everywhere (test/electron22/, npm run test:electron22).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import { REPO } from './support/panel-server'
import { electronBinary } from '../src/main/electron-binary'

const binary = electronBinary()
const mainBuild = join(REPO, 'out/main/index.js')

test('Electron 45: one window on the panel, typed API only, invalid id refused without a request', async () => {
  const reason =
    binary === null
      ? 'no Electron binary (node_modules/electron/dist is missing: it is downloaded from GitHub at install, which this machine cannot reach; set ELECTRON_OVERRIDE_DIST_PATH to use one)'
      : !existsSync(mainBuild)
        ? 'no Electron main build: run `npm run build` first'
        : null
  if (reason)
    console.log(
      `Skipped the Electron 45 spec: ${reason}; the Electron 22 smoke test (npm run test:electron22) covers the window and preload layer.`
    )
  test.skip(reason !== null, reason ?? '')

  const app = await electron.launch({
    args: [mainBuild],
    env: { ...process.env, DECK_PROJECT: `deckelectron${process.pid}` }
  })
  try {
    const page = await app.firstWindow()
    expect(app.windows()).toHaveLength(1)
    await expect(page.getByRole('heading', { name: /^Stack/ })).toBeVisible()
    await expect(page.getByTestId('service-scraper')).toBeVisible()
    // The renderer sees the typed API and nothing of Node.
    const exposed = await page.evaluate(() => ({
      api: Object.keys((globalThis as { scrapedeck?: object }).scrapedeck ?? {}).sort(),
      node: typeof (globalThis as { require?: unknown }).require
    }))
    expect(exposed).toEqual({ api: ['invoke', 'on'], node: 'undefined' })
    const invalid = await page.evaluate(() =>
      (globalThis as { scrapedeck?: { invoke(op: string, request: unknown): Promise<unknown> } }).scrapedeck?.invoke(
        'lookup',
        { id: '../x' }
      )
    )
    expect(invalid).toMatchObject({ ok: false, error: { kind: 'InvalidRequest' } })
    await page.getByRole('tab', { name: 'Lookup' }).click()
    await page.getByLabel('Listing id').fill('12/3')
    await expect(page.getByTestId('listing-id-problem')).toHaveText(/A listing id is/)
    await expect(page.getByRole('button', { name: 'Look up' })).toBeDisabled()
  } finally {
    await app.close()
  }
})
