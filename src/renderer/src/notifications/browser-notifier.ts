/**
 * The web shell's notifications: the shared notifier (src/shared/notifications/) over the
 * page's PanelApi, shown with the browser's Notification API once the user allowed it. The
 * desktop app notifies from its main process instead, so this runs only in the web shell.
 */
import type { PanelApi } from '../../../shared/contract'
import { startNotifier } from '../../../shared/notifications/panel-notifier'
import { readStoredSettings } from './settings-store'

export function startBrowserNotifier(api: PanelApi, storage: Storage): () => void {
  return startNotifier({
    api,
    settings: () => readStoredSettings(storage),
    show: (notice) => {
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return
      new Notification(notice.title, { body: notice.body, tag: notice.tag })
    }
  })
}
