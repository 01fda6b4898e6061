/**
 * Where the notification settings live for this shell: the desktop app keeps them in main
 * (a JSON file in the user's config directory, through the contract's operations), the web
 * shell in this browser's localStorage.
 */
import type { PanelApi, Result } from '../../../shared/contract'
import {
  NotificationSettingsSchema,
  readNotificationSettings
} from '../../../shared/notifications/notification-settings'
import type { NotificationSettings } from '../../../shared/notifications/notification-settings'

const STORAGE_KEY = 'scrapedeck.notifications'

export interface SettingsStore {
  load(): Promise<Result<NotificationSettings>>
  save(settings: NotificationSettings): Promise<Result<NotificationSettings>>
  /** Where they are kept, in words for the settings panel. */
  where: string
}

export function browserSettingsStore(storage: Storage): SettingsStore {
  return {
    where: 'this browser (localStorage)',
    load: async () => ({ ok: true, value: readStoredSettings(storage) }),
    save: async (settings) => {
      const parsed = NotificationSettingsSchema.safeParse(settings)
      if (!parsed.success)
        return {
          ok: false,
          error: {
            kind: 'InvalidRequest',
            message: `Invalid settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
            hint: null
          }
        }
      storage.setItem(STORAGE_KEY, JSON.stringify(parsed.data))
      return { ok: true, value: parsed.data }
    }
  }
}

export function appSettingsStore(api: PanelApi): SettingsStore {
  return {
    where: 'the app’s config directory (~/.config/scrapedeck/notifications.json)',
    load: () => api.invoke('notificationSettings', {}),
    save: (settings) => api.invoke('setNotificationSettings', settings)
  }
}

/** What the web notifier reads at every notice; an unreadable entry gives the defaults. */
export function readStoredSettings(storage: Storage): NotificationSettings {
  try {
    return readNotificationSettings(JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}'))
  } catch {
    return readNotificationSettings({})
  }
}
