/**
 * `npm run web`: the panel in a browser. Builds the renderer if there is no build yet, starts
 * the PanelController, serves both on 127.0.0.1 and prints the URL with its token.
 * DECK_WEB_PORT moves the port (default 7400); the controller reads its own settings
 * (DECK_PROJECT, AMQP_URI, … see src/main/config/panel-config.ts).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createPanel } from '../panel-composition'
import { ensureStackCredentials, loadPanelConfig } from '../config/panel-config'
import { envInt } from '../../services/env'
import { DEFAULT_RENDERER_DIR, startWebShell } from './web-shell'

const port = envInt('DECK_WEB_PORT', 7400)

if (!existsSync(join(DEFAULT_RENDERER_DIR, 'index.html'))) {
  console.log('scrapedeck: no renderer build in out/renderer yet; building it (electron-vite build)…')
  const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' })
  if (build.status !== 0) {
    console.error('scrapedeck: the renderer build failed; see above.')
    process.exit(1)
  }
}

// The stack this panel may bring up reads its credentials file: written now if missing.
ensureStackCredentials()
const panel = createPanel(loadPanelConfig())
const controller = panel.controller
try {
  await controller.start()
} catch (error) {
  // The page shows what is down (engine, broker) and recovers when it comes back.
  console.error(
    `scrapedeck: the controller started with a problem: ${error instanceof Error ? error.message : String(error)}`
  )
}
const shell = await startWebShell({
  controller,
  port,
  host: '127.0.0.1',
  token: process.env['DECK_WEB_TOKEN'] || undefined
}).catch(async (error: unknown) => {
  // A taken port or a weak token: say which, and leave nothing running.
  console.error(`scrapedeck: the web shell did not start: ${error instanceof Error ? error.message : String(error)}`)
  await panel.close()
  process.exit(1)
})
console.log(`scrapedeck web shell: ${shell.url}`)

let closing = false
const stop = async (): Promise<void> => {
  if (closing) return
  closing = true
  await shell.close()
  await panel.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
