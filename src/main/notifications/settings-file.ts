/**
 * The desktop app's notification settings, kept as JSON in the user's config directory. A
 * missing or unreadable file gives the defaults (and says why on stderr once); a write goes to
 * a temporary file renamed over the old one, so a crash never leaves half a file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  readNotificationSettings
} from '../../shared/notifications/notification-settings'
import type { NotificationSettings } from '../../shared/notifications/notification-settings'

export interface NotificationSettingsStore {
  read(): NotificationSettings
  write(settings: NotificationSettings): NotificationSettings
}

export class NotificationSettingsFile implements NotificationSettingsStore {
  private current: NotificationSettings | null = null

  constructor(private readonly file: string) {}

  read(): NotificationSettings {
    this.current ??= this.load()
    return this.current
  }

  write(settings: NotificationSettings): NotificationSettings {
    mkdirSync(dirname(this.file), { recursive: true })
    const temporary = `${this.file}.${process.pid}.tmp`
    writeFileSync(temporary, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 })
    renameSync(temporary, this.file)
    this.current = settings
    return settings
  }

  private load(): NotificationSettings {
    let text: string
    try {
      text = readFileSync(this.file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        console.error(
          `scrapedeck: cannot read ${this.file} (${(err as Error).message}); notifications use the defaults`
        )
      return DEFAULT_NOTIFICATION_SETTINGS
    }
    try {
      return readNotificationSettings(JSON.parse(text))
    } catch (err) {
      console.error(`scrapedeck: ${this.file} is not JSON (${(err as Error).message}); notifications use the defaults`)
      return DEFAULT_NOTIFICATION_SETTINGS
    }
  }
}
