/**
 * The panel's window: sandboxed, context-isolated, no Node in the renderer, no webviews,
 * and its contents attached to a panel session of their own. Electron's classes come in
 * as parameters so that a unit test can check the setup without an Electron binary.
 */
import { pathToFileURL } from 'node:url'
import { CONTENT_SECURITY_POLICY } from './content-security-policy'
import type { PanelIpc, WebContentsLike } from './ipc/ipc-adapter'

export interface PanelWindowLike {
  readonly webContents: WebContentsLike
  on(event: 'ready-to-show', listener: () => void): unknown
  show(): void
  loadURL(url: string): Promise<void>
  loadFile(file: string): Promise<void>
}

export interface PanelWindowOptions {
  preloadPath: string
  /** The dev server's URL in development, else null (the built renderer file is loaded). */
  devServerUrl: string | null
  rendererFile: string
}

export function panelWindowConstructorOptions(preloadPath: string): {
  width: number
  height: number
  show: boolean
  title: string
  webPreferences: { preload: string; contextIsolation: true; sandbox: true; nodeIntegration: false; webviewTag: false }
} {
  return {
    width: 1280,
    height: 800,
    show: false,
    title: 'scrapedeck',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false
    }
  }
}

export function openPanelWindow<W extends PanelWindowLike>(
  createWindow: (options: ReturnType<typeof panelWindowConstructorOptions>) => W,
  ipc: PanelIpc,
  options: PanelWindowOptions
): W {
  const window = createWindow(panelWindowConstructorOptions(options.preloadPath))
  ipc.attach(window.webContents)
  window.on('ready-to-show', () => window.show())
  const loaded =
    options.devServerUrl !== null ? window.loadURL(options.devServerUrl) : window.loadFile(options.rendererFile)
  // A page that fails to load leaves the window blank; the reason belongs in the panel's log.
  loaded.catch((error: unknown) => console.error('scrapedeck: the panel page did not load:', error))
  return window
}

/** True when `url` is the renderer this app loads: the dev server's origin, or our own file. */
export function isPanelRendererUrl(
  url: string,
  options: Pick<PanelWindowOptions, 'devServerUrl' | 'rendererFile'>
): boolean {
  let given: URL
  try {
    given = new URL(url)
  } catch {
    return false
  }
  if (options.devServerUrl !== null) return given.origin === new URL(options.devServerUrl).origin
  return given.protocol === 'file:' && given.pathname === pathToFileURL(options.rendererFile).pathname
}

/** The parts of Electron's webContents that `refuseNavigation` uses. */
export interface NavigableContentsLike {
  on(event: 'will-navigate' | 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

/** No navigation away, no webviews, no new windows: web links go to the user's browser instead. */
export function refuseNavigation(contents: NavigableContentsLike, openExternal: (url: string) => Promise<void>): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:') || url.startsWith('http:')) {
      openExternal(url).catch((error: unknown) => console.error(`scrapedeck: could not open ${url}:`, error))
    }
    return { action: 'deny' }
  })
}

/** The parts of Electron's session that `enforceSessionPolicy` uses. */
export interface PanelSessionLike {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders: Record<string, string[]> }) => void
      ) => void
    ): void
  }
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void
  ): void
}

/** The CSP on every response, and no permission (camera, notifications, …) for any page. */
export function enforceSessionPolicy(session: PanelSessionLike): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
}
