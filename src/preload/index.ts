/**
 * The renderer's only door to the main process: `window.scrapedeck`, a PanelApi over one
 * invoke channel and one event channel. Nothing else of Electron or Node is exposed; main
 * validates every request against the contract.
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { IpcRendererEvent } from 'electron'
import type { EventName, PanelApi, PanelEvent } from '../shared/contract'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/ipc-channels'

const api: PanelApi = {
  invoke: (operation, request) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, operation, request),
  on: (event: EventName, listener: (payload: never) => void) => {
    const handler = (_sender: IpcRendererEvent, message: PanelEvent): void => {
      if (message.event === event) listener(message.payload as never)
    }
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
    }
  }
}

contextBridge.exposeInMainWorld('scrapedeck', api)
