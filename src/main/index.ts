/**
 * The Electron shell: one sandboxed window on the renderer, the PanelController behind the
 * typed IPC adapter, a CSP response header, and no navigation or new windows.
 */
import { app, BrowserWindow, session, shell } from 'electron'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { PanelController } from './controller/panel-controller'
import { loadPanelConfig } from './controller/panel-config'
import { registerPanelIpc } from './ipc/ipc-adapter'
import { CONTENT_SECURITY_POLICY } from './web/renderer-files'

const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url))
const rendererFile = fileURLToPath(new URL('../renderer/index.html', import.meta.url))
const devServerUrl = process.env['ELECTRON_RENDERER_URL']

/** Only our renderer may call the controller: the dev server's origin, or our own file. */
function isTrustedUrl(url: string): boolean {
  if (devServerUrl) return new URL(url).origin === new URL(devServerUrl).origin
  const own = pathToFileURL(rendererFile)
  const given = new URL(url)
  return given.protocol === 'file:' && given.pathname === own.pathname
}

function createWindow(controller: PanelController): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    title: 'scrapedeck',
    webPreferences: { preload: preloadPath, contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false }
  })
  const unregister = registerPanelIpc(window, controller, isTrustedUrl)
  window.on('closed', unregister)
  window.on('ready-to-show', () => window.show())
  if (devServerUrl) void window.loadURL(devServerUrl)
  else void window.loadFile(rendererFile)
}

// Every web contents: no navigation away, no new windows (links open in the user's browser).
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:') || url.startsWith('http:')) void shell.openExternal(url)
    return { action: 'deny' }
  })
})

void app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  const controller = new PanelController(loadPanelConfig())
  // The window opens even when Docker or the broker is down: it shows what is wrong.
  controller.start().catch((error: unknown) => console.error('scrapedeck: controller start:', error))
  createWindow(controller)
  app.on('window-all-closed', () => {
    void controller.close().finally(() => app.quit())
  })
})
