/**
 * An Electron 22 main process for the smoke test: the panel's own window, preload, CSP,
 * navigation guard and IPC frame check (bundled to CommonJS, since Electron 22 cannot load
 * the panel's ESM main), over a real PanelSession whose controller is a stub with no stack.
 * It pokes the window from outside, prints what it saw as one `SMOKE_RESULT {json}` line and
 * quits; the test decides what is right.
 */
import { readFileSync } from 'node:fs'
import { app, BrowserWindow, ipcMain, session, type WebContents } from 'electron'
import {
  enforceSessionPolicy,
  isPanelRendererUrl,
  openPanelWindow,
  panelWindowConstructorOptions,
  refuseNavigation
} from '../../src/main/panel-window'
import { servePanelIpc, type IpcMainLike } from '../../src/main/ipc/ipc-adapter'
import { PanelSession, type SessionBackend } from '../../src/main/session/panel-session'

/** What the stub controller answers every operation with: a call that reaches it comes back with this. */
export const STUB_ERROR = 'The Electron 22 smoke test has no stack behind this panel.'

const preloadPath = process.env['SMOKE_PRELOAD'] ?? ''
const rendererFile = process.env['SMOKE_RENDERER'] ?? ''
const isTrustedUrl = (url: string): boolean => isPanelRendererUrl(url, { devServerUrl: null, rendererFile })

const noStream = (): Promise<never> => Promise.reject(new Error(STUB_ERROR))
const stubController: SessionBackend = {
  handle: () => Promise.reject(new Error(STUB_ERROR)),
  on: () => () => {},
  mask: (text) => text,
  streams: { logs: noStream, crawl: noStream, stats: noStream, stackLogs: noStream, hosts: noStream }
}

const openedExternally: string[] = []
app.on('web-contents-created', (_event, contents) =>
  refuseNavigation(contents, (url) => Promise.resolve(void openedExternally.push(url)))
)

function once<T>(subscribe: (resolve: (value: T) => void) => void, what: string, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Electron 22 smoke: no ${what} within ${timeoutMs} ms`)), timeoutMs)
    subscribe((value) => {
      clearTimeout(timer)
      resolve(value)
    })
  })
}

const loaded = (contents: WebContents): Promise<void> =>
  once((resolve) => contents.once('did-finish-load', () => resolve()), 'page load')

/** Appends an inline script; resolves with whether it ran and the CSP violation it caused. */
const INLINE_SCRIPT_PROBE = `new Promise((resolve) => {
  const timer = setTimeout(() => resolve({ ran: window.__inlineRan === true, violation: null }), 5000)
  document.addEventListener('securitypolicyviolation', (e) => {
    clearTimeout(timer)
    resolve({ ran: window.__inlineRan === true, violation: { directive: e.effectiveDirective, policy: e.originalPolicy } })
  }, { once: true })
  const script = document.createElement('script')
  script.textContent = 'window.__inlineRan = true'
  document.head.appendChild(script)
})`

async function observePanelWindow(contents: WebContents): Promise<Record<string, unknown>> {
  await loaded(contents)
  const exposed: unknown = await contents.executeJavaScript(`({
    api: Object.keys(window.scrapedeck ?? {}).sort(),
    require: typeof require, process: typeof process, module: typeof module, Buffer: typeof Buffer,
    invokeSource: Function.prototype.toString.call(window.scrapedeck.invoke)
  })`)
  // Electron 22 still has getLastWebPreferences (the typings are Electron 45's, which dropped it).
  const prefs = (contents as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences()
  const rendererArgs = readFileSync(`/proc/${contents.getOSProcessId()}/cmdline`, 'utf8').split('\0')
  const inlineScript: unknown = await contents.executeJavaScript(INLINE_SCRIPT_PROBE)
  const answered: unknown = await contents.executeJavaScript(`window.scrapedeck.invoke('config', {})`)
  const invalid: unknown = await contents.executeJavaScript(`window.scrapedeck.invoke('lookup', { id: '../x' })`)
  const stubErrorShown = await once<boolean>((resolve) => {
    const poll = (): void =>
      void contents
        .executeJavaScript(`document.body.innerText.includes(${JSON.stringify(STUB_ERROR)})`)
        .then((shown: boolean) => (shown ? resolve(true) : setTimeout(poll, 100)))
    poll()
  }, "the stub controller's error on the page")

  const windowOpen: unknown = await contents.executeJavaScript(
    `[window.open('https://example.invalid/popup') === null, window.open('about:blank') === null]`
  )
  return {
    exposed,
    webPreferences: {
      sandbox: prefs.sandbox,
      contextIsolation: prefs.contextIsolation,
      nodeIntegration: prefs.nodeIntegration,
      webviewTag: prefs.webviewTag
    },
    rendererArgs: rendererArgs.filter((arg) => /sandbox|node-integration|context-isolation/.test(arg)),
    inlineScript,
    answered,
    invalid,
    stubErrorShown,
    windowOpen,
    windowsAfterOpen: BrowserWindow.getAllWindows().length,
    openedExternally
  }
}

/**
 * Last, since a navigation that is not refused leaves the page: then the next attempt is made
 * from a page that is going away, and the page is no longer ours at the end.
 */
async function observeNavigation(contents: WebContents): Promise<Record<string, unknown>> {
  const urlBefore = contents.getURL()
  const navigations: string[] = []
  for (const target of ['https://example.invalid/', 'file:///etc/hostname']) {
    const attempted = once<string>(
      (resolve) => contents.once('will-navigate', (_e, url) => resolve(url)),
      `will-navigate to ${target}`
    )
    await contents.executeJavaScript(`location.href = ${JSON.stringify(target)}`)
    navigations.push(await attempted)
  }
  const afterNavigation = {
    url: contents.getURL(),
    apiStillThere: (await contents.executeJavaScript(`typeof window.scrapedeck?.invoke`)) as string
  }
  return { urlBefore, navigations, afterNavigation }
}

/** One observation step; a failure is recorded, so one broken guard does not hide the others. */
async function step(name: string, observe: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
  try {
    return await observe()
  } catch (error) {
    return { [`${name}Error`]: (error as Error).message }
  }
}

/**
 * The panel's window options plus the preload in subframes, so a subframe holds the same
 * `window.scrapedeck` as its page, and the subframe loads the panel's own renderer file, so
 * its URL is trusted: the frame check is then the only thing that can refuse its call. The
 * window has a session of its own, without the CSP header, whose frame-ancestors 'none' would
 * (rightly) keep the renderer out of any frame.
 */
async function observeSubframeCall(ipc: ReturnType<typeof servePanelIpc>): Promise<Record<string, unknown>> {
  const options = panelWindowConstructorOptions(preloadPath)
  const window = new BrowserWindow({
    ...options,
    webPreferences: {
      ...options.webPreferences,
      nodeIntegrationInSubFrames: true,
      partition: 'electron22-subframe-probe'
    }
  })
  ipc.attach(window.webContents)
  const contents = window.webContents
  void window.loadFile(rendererFile)
  await loaded(contents)
  const frameLoaded = once<void>(
    (resolve) => contents.once('did-frame-finish-load', (_e, isMainFrame) => !isMainFrame && resolve()),
    'subframe load'
  )
  await contents.executeJavaScript(
    `{ const f = document.createElement('iframe'); f.src = location.href; document.body.appendChild(f) }; null`
  )
  await frameLoaded
  const subframe = contents.mainFrame.frames[0]
  if (subframe === undefined) throw new Error('Electron 22 smoke: the subframe is missing')
  return {
    subframeUrl: subframe.url,
    subframeUrlTrusted: isTrustedUrl(subframe.url),
    subframeApi: (await subframe.executeJavaScript(`Object.keys(window.scrapedeck ?? {}).sort()`)) as unknown,
    subframeAnswer: (await subframe.executeJavaScript(`window.scrapedeck.invoke('config', {})`)) as unknown,
    mainFrameAnswer: (await contents.executeJavaScript(`window.scrapedeck.invoke('config', {})`)) as unknown
  }
}

app.on('window-all-closed', () => {})
void app.whenReady().then(async () => {
  const quitTimer = setTimeout(() => {
    console.error('Electron 22 smoke: gave up after 60 s')
    app.exit(2)
  }, 60_000)
  try {
    enforceSessionPolicy(session.defaultSession)
    const ipc = servePanelIpc(
      ipcMain as unknown as IpcMainLike,
      (deliver) => new PanelSession(stubController, deliver),
      isTrustedUrl
    )
    const window = openPanelWindow((options) => new BrowserWindow(options), ipc, {
      preloadPath,
      devServerUrl: null,
      rendererFile
    })
    const result = {
      electron: process.versions.electron,
      ...(await step('panelWindow', () => observePanelWindow(window.webContents))),
      ...(await step('subframe', () => observeSubframeCall(ipc))),
      ...(await step('navigation', () => observeNavigation(window.webContents)))
    }
    console.log(`SMOKE_RESULT ${JSON.stringify(result)}`)
    ipc.close()
    clearTimeout(quitTimer)
    app.exit(0)
  } catch (error) {
    console.error('Electron 22 smoke failed:', error)
    app.exit(1)
  }
})
