import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../shared/notifications/notification-settings'
import { NotificationSettingsFile } from './settings-file'

describe('NotificationSettingsFile', () => {
  it('gives the defaults without a file, and keeps what was written across instances', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deck-notify-')), 'nested', 'notifications.json')
    expect(new NotificationSettingsFile(file).read()).toEqual(DEFAULT_NOTIFICATION_SETTINGS)
    const changed = {
      ...DEFAULT_NOTIFICATION_SETTINGS,
      backlogThreshold: 42,
      kinds: { ...DEFAULT_NOTIFICATION_SETTINGS.kinds, crawlFinished: false }
    }
    new NotificationSettingsFile(file).write(changed)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(changed)
    expect(new NotificationSettingsFile(file).read()).toEqual(changed)
  })

  it('falls back to the defaults for a file that is not JSON', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deck-notify-')), 'notifications.json')
    writeFileSync(file, '{ not json')
    expect(new NotificationSettingsFile(file).read()).toEqual(DEFAULT_NOTIFICATION_SETTINGS)
  })
})
