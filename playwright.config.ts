import { defineConfig } from '@playwright/test'

/**
 * End-to-end specs (e2e/) drive the real panel: Debian's Chromium through the web shell, and
 * Electron where its binary exists. Never `npx playwright install`: the browser is the system's.
 * Playwright gives each launch a fresh temporary profile (its own --user-data-dir).
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // One real stack at a time: these specs start containers on the shared engine.
  workers: 1,
  fullyParallel: false,
  timeout: 15 * 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
  }
})
