/**
 * The Electron shell's adapter: one invoke channel for every operation and one event channel
 * for every pushed event. Each message is checked for who sent it (our window's main frame,
 * loaded from our renderer) before it is validated and dispatched like any other request.
 */
import { ipcMain } from 'electron'
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron'
import { panelError } from '../../shared/contract'
import type { PanelEvent, Result } from '../../shared/contract'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/ipc-channels'
import { LogStreamTracker, dispatchRequest, subscribeToAllEvents } from './panel-dispatch'
import type { PanelBackend } from './panel-dispatch'

/** True when the URL is the renderer this app loads (the dev server in development, else our file). */
export type TrustedUrl = (url: string) => boolean

export function registerPanelIpc(window: BrowserWindow, backend: PanelBackend, isTrustedUrl: TrustedUrl): () => void {
  const contents = window.webContents
  const logStreams = new LogStreamTracker()

  const handle = async (event: IpcMainInvokeEvent, operation: unknown, request: unknown): Promise<Result<unknown>> => {
    const frame = event.senderFrame
    if (event.sender !== contents || frame === null || frame !== contents.mainFrame || !isTrustedUrl(frame.url)) {
      return { ok: false, error: panelError('InvalidRequest', 'This request did not come from the panel window.', null) }
    }
    const result = await dispatchRequest(backend, operation, request)
    logStreams.noteResult(operation, result)
    return result
  }
  ipcMain.handle(IPC_INVOKE_CHANNEL, handle)

  const unsubscribe = subscribeToAllEvents(backend, (event: PanelEvent) => {
    logStreams.noteEvent(event)
    if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event)
  })

  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL)
    unsubscribe()
    void logStreams.stopAll(backend)
  }
}
