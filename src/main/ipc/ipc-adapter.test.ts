import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/ipc-channels'
import type { BroadcastEventName, OperationName } from '../../shared/contract'
import { PanelSession } from '../session/panel-session'
import type { SessionBackend } from '../session/panel-session'
import { openPanelWindow, panelWindowConstructorOptions } from '../panel-window'
import { servePanelIpc } from './ipc-adapter'
import type { FrameLike, IpcInvokeEventLike, IpcMainLike, WebContentsLike } from './ipc-adapter'

const TRUSTED = 'file:///app/out/renderer/index.html'

/** ipcMain as far as the adapter uses it: one handler per channel, invoked by the test. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>>()
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  invoke(event: IpcInvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(IPC_INVOKE_CHANNEL)
    if (handler === undefined) throw new Error('no handler')
    return handler(event, ...args)
  }
}

class FakeWebContents extends EventEmitter implements WebContentsLike {
  readonly mainFrame: FrameLike
  readonly sent: { channel: string; args: unknown[] }[] = []
  destroyed = false
  constructor(url = TRUSTED) {
    super()
    this.mainFrame = { url }
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args })
  }
  destroy(): void {
    this.destroyed = true
    this.emit('destroyed')
  }
}

async function refuseStream(): Promise<never> {
  throw new Error('no streams here')
}

function backend(): SessionBackend & {
  calls: string[]
  emit: (event: BroadcastEventName, payload: unknown) => void
  listenerCount: () => number
} {
  const calls: string[] = []
  const listeners = new Set<{ event: string; listener: (payload: unknown) => void }>()
  return {
    calls,
    handle: (async (operation: OperationName) => {
      calls.push(operation)
      return { project: 'deck' }
    }) as SessionBackend['handle'],
    on: ((event: string, listener: (payload: unknown) => void) => {
      const entry = { event, listener }
      listeners.add(entry)
      return () => listeners.delete(entry)
    }) as SessionBackend['on'],
    mask: (text) => text,
    streams: {
      logs: refuseStream,
      crawl: refuseStream,
      stats: refuseStream,
      stackLogs: refuseStream,
      hosts: refuseStream
    },
    emit: (event, payload) => {
      for (const l of listeners) if (l.event === event) l.listener(payload)
    },
    listenerCount: () => listeners.size
  }
}

function setup(): {
  ipcMain: FakeIpcMain
  controller: ReturnType<typeof backend>
  ipc: ReturnType<typeof servePanelIpc>
} {
  const ipcMain = new FakeIpcMain()
  const controller = backend()
  const ipc = servePanelIpc(
    ipcMain,
    (deliver) => new PanelSession(controller, deliver),
    (url) => url === TRUSTED
  )
  return { ipcMain, controller, ipc }
}

describe('Electron IPC adapter', () => {
  it('passes a main-frame request of an attached, trusted window to its session', async () => {
    const { ipcMain, controller, ipc } = setup()
    const contents = new FakeWebContents()
    ipc.attach(contents)
    const result = await ipcMain.invoke({ sender: contents, senderFrame: contents.mainFrame }, 'config', {})
    expect(result).toEqual({ ok: true, value: { project: 'deck' } })
    expect(controller.calls).toEqual(['config'])
    // Validation is the session's: a bad request never reaches the controller.
    expect(
      await ipcMain.invoke({ sender: contents, senderFrame: contents.mainFrame }, 'lookup', { id: '../x' })
    ).toMatchObject({ ok: false, error: { kind: 'InvalidRequest' } })
    expect(controller.calls).toEqual(['config'])
  })

  it('refuses a subframe, an untrusted page and a window it never attached', async () => {
    const { ipcMain, controller, ipc } = setup()
    const contents = new FakeWebContents()
    ipc.attach(contents)
    const subframe = { url: TRUSTED }
    const refused = {
      ok: false,
      error: { kind: 'InvalidRequest', message: 'This request did not come from the panel window.' }
    }
    expect(await ipcMain.invoke({ sender: contents, senderFrame: subframe }, 'config', {})).toMatchObject(refused)
    expect(await ipcMain.invoke({ sender: contents, senderFrame: null }, 'config', {})).toMatchObject(refused)
    const hostile = new FakeWebContents('https://evil.example/')
    ipc.attach(hostile)
    expect(await ipcMain.invoke({ sender: hostile, senderFrame: hostile.mainFrame }, 'config', {})).toMatchObject(
      refused
    )
    const stranger = new FakeWebContents()
    expect(await ipcMain.invoke({ sender: stranger, senderFrame: stranger.mainFrame }, 'config', {})).toMatchObject(
      refused
    )
    expect(controller.calls).toEqual([])
  })

  it('sends events to each attached window on the event channel, and stops for a destroyed one', () => {
    const { controller, ipc } = setup()
    const one = new FakeWebContents()
    const two = new FakeWebContents()
    ipc.attach(one)
    ipc.attach(two)
    controller.emit('status', { project: 'deck' })
    expect(one.sent).toEqual([
      { channel: IPC_EVENT_CHANNEL, args: [{ event: 'status', payload: { project: 'deck' } }] }
    ])
    expect(two.sent).toHaveLength(1)
    const before = controller.listenerCount()
    two.destroy()
    expect(controller.listenerCount()).toBeLessThan(before)
    controller.emit('status', { project: 'deck' })
    expect(one.sent).toHaveLength(2)
    expect(two.sent).toHaveLength(1)
  })

  it('a destroyed window’s session is disposed: its streams stop, its requests are refused', async () => {
    const { ipcMain, ipc } = setup()
    const contents = new FakeWebContents()
    const session = ipc.attach(contents)
    contents.destroy()
    expect(await session.invoke('config', {})).toMatchObject({ ok: false, error: { kind: 'PanelDisconnected' } })
    expect(await ipcMain.invoke({ sender: contents, senderFrame: contents.mainFrame }, 'config', {})).toMatchObject({
      ok: false,
      error: { kind: 'InvalidRequest' }
    })
  })

  it('close removes the handler and disposes every session', () => {
    const { ipcMain, controller, ipc } = setup()
    ipc.attach(new FakeWebContents())
    ipc.close()
    expect(ipcMain.handlers.size).toBe(0)
    expect(controller.listenerCount()).toBe(0)
  })
})

describe('panel window', () => {
  it('is sandboxed and context-isolated, with no Node integration and no webviews', () => {
    expect(panelWindowConstructorOptions('/app/preload.cjs').webPreferences).toEqual({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false
    })
  })

  it('opens our renderer file (or the dev server), attaches its contents and shows when ready', () => {
    const { ipcMain, ipc } = setup()
    const loaded: string[] = []
    const created: unknown[] = []
    const window = Object.assign(new EventEmitter(), {
      webContents: new FakeWebContents(),
      shown: false,
      show() {
        this.shown = true
      },
      loadURL: async (url: string) => void loaded.push(`url ${url}`),
      loadFile: async (file: string) => void loaded.push(`file ${file}`)
    })
    openPanelWindow((options) => (created.push(options), window), ipc, {
      preloadPath: '/p.cjs',
      devServerUrl: null,
      rendererFile: '/app/index.html'
    })
    expect(created).toEqual([panelWindowConstructorOptions('/p.cjs')])
    expect(loaded).toEqual(['file /app/index.html'])
    window.emit('ready-to-show')
    expect(window.shown).toBe(true)
    return expect(
      ipcMain.invoke({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, 'config', {})
    ).resolves.toMatchObject({ ok: true })
  })
})
