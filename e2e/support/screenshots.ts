/**
 * A step's screenshot: the whole page into the test's output (attached to the report), and,
 * with UPDATE_DOCS_SCREENSHOTS=1, a picture for docs/ — the whole page, or just the viewport
 * where the README should show what a person sees first.
 */
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page, TestInfo } from '@playwright/test'
import { REPO } from './panel-server'

export async function shoot(
  page: Page,
  info: TestInfo,
  name: string,
  docs?: { file: string; view: 'page' | 'viewport' }
): Promise<void> {
  const path = info.outputPath(`${name}.png`)
  await page.screenshot({ path, fullPage: true })
  await info.attach(name, { path, contentType: 'image/png' })
  if (docs === undefined || process.env['UPDATE_DOCS_SCREENSHOTS'] !== '1') return
  if (docs.view === 'page') copyFileSync(path, join(REPO, 'docs', docs.file))
  else await page.screenshot({ path: join(REPO, 'docs', docs.file) })
}
