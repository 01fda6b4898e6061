/**
 * The Electron shell's frame mover: one invoke channel for every operation and one event
 * channel for every pushed event, one panel session per window. A message is answered only
 * when it comes from the main frame of a window we attached, loaded from our renderer;
 * everything else about it (name, request, errors) is the session's job.
 */
import { panelError } from '../../shared/contract'
import type { PanelEvent, Result } from '../../shared/contract'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/ipc-channels'
import type { PanelSession } from '../session/panel-session'

/** The parts of Electron's ipcMain, webContents and invoke event used here (tests fake them). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}
export interface FrameLike {
  readonly url: string
}
export interface WebContentsLike {
  readonly mainFrame: FrameLike
  isDestroyed(): boolean
  send(channel: string, ...args: unknown[]): void
  once(event: 'destroyed', listener: () => void): unknown
}
export interface IpcInvokeEventLike {
  readonly sender: WebContentsLike
  readonly senderFrame: FrameLike | null
}

/** True when the URL is the renderer this app loads (the dev server in development, else our file). */
export type TrustedUrl = (url: string) => boolean

export interface PanelIpc {
  /** Gives a window's contents a session of its own; it ends when the contents are destroyed. */
  attach(contents: WebContentsLike): PanelSession
  close(): void
}

const notFromPanel: Result<unknown> = {
  ok: false,
  error: panelError('InvalidRequest', 'This request did not come from the panel window.', null)
}

export function servePanelIpc(
  ipcMain: IpcMainLike,
  newSession: (deliver: (event: PanelEvent) => void) => PanelSession,
  isTrustedUrl: TrustedUrl
): PanelIpc {
  const sessions = new Map<WebContentsLike, PanelSession>()

  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, operation, request) => {
    const session = sessions.get(event.sender)
    const frame = event.senderFrame
    if (session === undefined || frame === null || frame !== event.sender.mainFrame || !isTrustedUrl(frame.url))
      return notFromPanel
    return session.invoke(operation, request)
  })

  return {
    attach(contents) {
      const session = newSession((event) => {
        if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event)
      })
      sessions.set(contents, session)
      contents.once('destroyed', () => {
        sessions.delete(contents)
        session.dispose()
      })
      return session
    },
    close() {
      ipcMain.removeHandler(IPC_INVOKE_CHANNEL)
      for (const session of sessions.values()) session.dispose()
      sessions.clear()
    }
  }
}
