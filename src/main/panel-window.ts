/**
 * The panel's window: sandboxed, context-isolated, no Node in the renderer, no webviews,
 * and its contents attached to a panel session of their own. Electron's classes come in
 * as parameters so that a unit test can check the setup without an Electron binary.
 */
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
    webPreferences: { preload: preloadPath, contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false }
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
  const loaded = options.devServerUrl !== null ? window.loadURL(options.devServerUrl) : window.loadFile(options.rendererFile)
  // A page that fails to load leaves the window blank; the reason belongs in the panel's log.
  loaded.catch((error: unknown) => console.error('scrapedeck: the panel page did not load:', error))
  return window
}
