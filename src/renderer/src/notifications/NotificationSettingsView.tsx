/**
 * The settings panel of the desktop notifications: each kind on or off, the backlog rule,
 * the rate limit, and (in the web shell) the browser's permission. Every change is saved at
 * once where this shell keeps the settings (settings-store.ts).
 */
import { useEffect, useMemo, useState } from 'react'
import type { ReactElement } from 'react'
import type { PanelError } from '../../../shared/contract'
import { NOTIFICATION_KINDS, NOTIFICATION_LABELS } from '../../../shared/notifications/notification-settings'
import type { NotificationSettings } from '../../../shared/notifications/notification-settings'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'
import { appSettingsStore, browserSettingsStore } from './settings-store'

type Permission = NotificationPermission | 'unsupported'

function browserPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
}

export function NotificationSettingsView(): ReactElement {
  const api = usePanelApi()
  const inApp = window.scrapedeck !== undefined
  const store = useMemo(() => (inApp ? appSettingsStore(api) : browserSettingsStore(window.localStorage)), [api, inApp])
  const [settings, setSettings] = useState<NotificationSettings | null>(null)
  const [error, setError] = useState<PanelError | null>(null)
  const [saved, setSaved] = useState(false)
  const [permission, setPermission] = useState<Permission>(browserPermission)

  useEffect(() => {
    void store.load().then((result) => (result.ok ? setSettings(result.value) : setError(result.error)))
  }, [store])

  const save = (next: NotificationSettings): void => {
    setSettings(next)
    setSaved(false)
    void store.save(next).then((result) => {
      if (result.ok) {
        setError(null)
        setSaved(true)
      } else setError(result.error)
    })
  }
  const numberField = (
    key: 'backlogThreshold' | 'backlogForSeconds' | 'maxPerKindPerMinute',
    label: string
  ): ReactElement | null =>
    settings && (
      <label>
        {label}
        <input
          type="number"
          min={1}
          value={settings[key]}
          data-testid={`setting-${key}`}
          onChange={(event) => save({ ...settings, [key]: Number(event.target.value) })}
        />
      </label>
    )

  return (
    <section className="view" aria-labelledby="settings-heading">
      <header className="view__header">
        <h1 id="settings-heading">Notifications</h1>
      </header>
      {!inApp && (
        <p data-testid="notification-permission">
          Desktop notifications in this browser: <strong>{permission}</strong>{' '}
          {permission === 'default' && (
            <button
              type="button"
              className="button button--primary"
              onClick={() => void Notification.requestPermission().then(setPermission)}
            >
              Allow desktop notifications
            </button>
          )}
          {permission === 'denied' && <span className="muted">(allow them in the browser’s site settings)</span>}
        </p>
      )}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {settings === null && error === null && <p className="muted">Loading the settings…</p>}
      {settings && (
        <form className="notification-settings" onSubmit={(event) => event.preventDefault()}>
          <fieldset>
            <legend>Notify me when</legend>
            {NOTIFICATION_KINDS.map((kind) => (
              <label key={kind}>
                <input
                  type="checkbox"
                  checked={settings.kinds[kind]}
                  data-testid={`setting-kind-${kind}`}
                  onChange={(event) =>
                    save({ ...settings, kinds: { ...settings.kinds, [kind]: event.target.checked } })
                  }
                />
                {NOTIFICATION_LABELS[kind]}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Scraper backlog</legend>
            {numberField('backlogThreshold', 'Threshold (ready + unacked requests)')}
            {numberField('backlogForSeconds', 'For longer than (seconds)')}
          </fieldset>
          <fieldset>
            <legend>Rate limit</legend>
            {numberField('maxPerKindPerMinute', 'At most per kind per minute')}
          </fieldset>
          <p className="muted" role="status">
            {saved ? 'Saved' : 'Kept'} in {store.where}.
          </p>
        </form>
      )}
    </section>
  )
}
