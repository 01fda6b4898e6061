/**
 * The Electron main process: one PanelController (from the composition root), one panel
 * session per window over IPC, a sandboxed renderer, a CSP response header, and no
 * navigation or new windows.
 */
import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron'
import { fileURLToPath } from 'node:url'
import { ensureStackCredentials, loadPanelConfig } from './config/panel-config'
import { servePanelIpc } from './ipc/ipc-adapter'
import type { IpcMainLike } from './ipc/ipc-adapter'
import { createPanel } from './panel-composition'
import { CrawlIdSchema, ExportFormatSchema, exportFileName } from '../shared/crawl'
import { enforceSessionPolicy, isPanelRendererUrl, openPanelWindow, refuseNavigation } from './panel-window'
import { PanelSession } from './session/panel-session'
import { NotificationSettingsFile } from './notifications/settings-file'
import { startDesktopNotifier } from './notifications/desktop-notifier'

const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url))
const rendererFile = fileURLToPath(new URL('../renderer/index.html', import.meta.url))
const devServerUrl = process.env['ELECTRON_RENDERER_URL'] || null

/** Only our renderer may call the controller: the dev server's origin, or our own file. */
const isTrustedUrl = (url: string): boolean => isPanelRendererUrl(url, { devServerUrl, rendererFile })

/**
 * A crawl's export in the desktop app: the renderer's download link points at this scheme,
 * main streams the export from the coordinator, and Electron's download shows a save dialog.
 */
const EXPORT_SCHEME = 'scrapedeck-export'
protocol.registerSchemesAsPrivileged([{ scheme: EXPORT_SCHEME, privileges: { stream: true } }])

// Every web contents: no navigation away, no new windows (links open in the user's browser).
app.on('web-contents-created', (_event, contents) => refuseNavigation(contents, (url) => shell.openExternal(url)))

app
  .whenReady()
  .then(async () => {
    enforceSessionPolicy(session.defaultSession)
    // The stack this panel may bring up reads its credentials file: written now if missing.
    ensureStackCredentials()
    const settings = loadPanelConfig()
    const notificationSettings = new NotificationSettingsFile(settings.notificationsFile)
    const panel = createPanel(settings, {
      exportUrl: (id, format) => `${EXPORT_SCHEME}://crawls/${encodeURIComponent(id)}?format=${format}`,
      notificationSettings
    })
    protocol.handle(EXPORT_SCHEME, async (request) => {
      const url = new URL(request.url)
      const id = CrawlIdSchema.safeParse(decodeURIComponent(url.pathname.replace(/^\/+/, '')))
      const format = ExportFormatSchema.safeParse(url.searchParams.get('format'))
      if (url.host !== 'crawls' || !id.success || !format.success)
        return new Response('Not a crawl export.', { status: 400 })
      try {
        const body = await panel.controller.openExport(id.data, format.data)
        return new Response(body, {
          headers: { 'Content-Disposition': `attachment; filename="${exportFileName(id.data, format.data)}"` }
        })
      } catch (error) {
        return new Response(`The export failed: ${(error as Error).message}`, { status: 502 })
      }
    })
    // The window opens even when Docker or the broker is down: it shows what is wrong.
    panel.controller.start().catch((error: unknown) => console.error('scrapedeck: controller start:', error))
    const stopNotifier = startDesktopNotifier(panel.controller, notificationSettings)
    const ipc = servePanelIpc(
      ipcMain as unknown as IpcMainLike,
      (deliver) => new PanelSession(panel.controller, deliver),
      isTrustedUrl
    )
    openPanelWindow((options) => new BrowserWindow(options), ipc, { preloadPath, devServerUrl, rendererFile })
    app.on('window-all-closed', () => {
      ipc.close()
      stopNotifier()
      panel
        .close()
        .catch((error: unknown) => console.error('scrapedeck: closing the panel:', error))
        .finally(() => app.quit())
    })
  })
  .catch((error: unknown) => {
    // A bad config or an unwritable credentials file: without this the app would sit windowless.
    console.error('scrapedeck: cannot start:', error)
    app.exit(1)
  })
