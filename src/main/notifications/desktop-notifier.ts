/**
 * The desktop app's notifications: the shared notifier (src/shared/notifications/) over an
 * in-process session, shown with Electron's Notification from the main process, with the
 * settings of the user's config directory (read at every notice, so a change applies at once).
 */
import { Notification } from 'electron'
import { startNotifier } from '../../shared/notifications/panel-notifier'
import type { SessionBackend } from '../session/panel-session'
import { inProcessApi } from './in-process-api'
import type { NotificationSettingsStore } from './settings-file'

export function startDesktopNotifier(controller: SessionBackend, store: NotificationSettingsStore): () => void {
  const api = inProcessApi(controller)
  const stop = startNotifier({
    api,
    settings: () => store.read(),
    show: (notice) => {
      if (Notification.isSupported()) new Notification({ title: notice.title, body: notice.body }).show()
    }
  })
  return () => {
    stop()
    api.dispose()
  }
}
