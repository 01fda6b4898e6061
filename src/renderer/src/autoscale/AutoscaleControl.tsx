/**
 * Beside the replica stepper: the autoscale toggle, its settings (min, max, target per
 * replica, window; editable before it is turned on), and why the service has the replicas it has — the latest decision, and
 * the last ones that changed something.
 */
import { useState } from 'react'
import type { ReactElement } from 'react'
import { AUTOSCALE_LIMITS, decisionSummary, replicasAfter } from '../../../shared/autoscale'
import type { AutoscaleSettings, AutoscaleSettingsPatch } from '../../../shared/autoscale'
import { ErrorNotice } from '../components/ErrorNotice'
import { scaleDecisions } from './use-autoscale'
import type { Autoscale } from './use-autoscale'

type NumberSetting = 'min' | 'max' | 'target' | 'stabilizationSeconds'

const FIELDS: { key: NumberSetting; label: string; min: number; max: number }[] = [
  { key: 'min', label: 'Min', min: 0, max: AUTOSCALE_LIMITS.maxReplicas },
  { key: 'max', label: 'Max', min: 0, max: AUTOSCALE_LIMITS.maxReplicas },
  { key: 'target', label: 'Backlog per replica', min: 1, max: AUTOSCALE_LIMITS.maxTarget },
  {
    key: 'stabilizationSeconds',
    label: 'Window (s)',
    min: AUTOSCALE_LIMITS.minStabilizationSeconds,
    max: AUTOSCALE_LIMITS.maxStabilizationSeconds
  }
]

export function AutoscaleControl({
  service,
  autoscale
}: {
  service: string
  autoscale: Autoscale
}): ReactElement | null {
  const { settings, decisions, error, saving } = autoscale
  if (settings === null) return error === null ? null : <ErrorNotice error={error} onDismiss={autoscale.dismissError} />
  const latest = decisions.at(-1)
  const changes = scaleDecisions(decisions).slice(-5).reverse()
  return (
    <div className="autoscale" data-testid={`autoscale-${service}`}>
      <label className="autoscale__toggle">
        <input
          type="checkbox"
          role="switch"
          checked={settings.enabled}
          disabled={saving}
          onChange={(event) => autoscale.change({ enabled: event.target.checked })}
        />
        Autoscale<span className="visually-hidden"> {service}</span>
      </label>
      <SettingsForm service={service} settings={settings} saving={saving} onChange={autoscale.change} />
      {error && <ErrorNotice error={error} onDismiss={autoscale.dismissError} />}
      {settings.enabled && latest !== undefined && (
        <p className="autoscale__why" data-testid={`autoscale-why-${service}`}>
          <strong>Why {replicasAfter(latest)} replicas:</strong> {decisionSummary(latest)}
        </p>
      )}
      {changes.length > 0 && (
        <details className="autoscale__history">
          <summary>Last scale decisions</summary>
          <ol data-testid={`autoscale-decisions-${service}`}>
            {changes.map((d) => (
              <li key={d.at}>
                <time dateTime={new Date(d.at).toISOString()}>{new Date(d.at).toLocaleTimeString()}</time>{' '}
                {decisionSummary(d)}
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  )
}

/** The numbers, each sent when it is left (or Enter): a half-typed value is not a setting. */
function SettingsForm(props: {
  service: string
  settings: AutoscaleSettings
  saving: boolean
  onChange: (patch: AutoscaleSettingsPatch) => void
}): ReactElement {
  const { settings } = props
  const [draft, setDraft] = useState<Partial<Record<NumberSetting, string>>>({})
  const commit = (key: NumberSetting): void => {
    const raw = draft[key]
    if (raw === undefined) return
    setDraft(({ [key]: _, ...rest }) => rest)
    const value = Number(raw)
    if (raw !== '' && Number.isInteger(value) && value !== settings[key]) props.onChange({ [key]: value })
  }
  return (
    <div className="autoscale__settings">
      {FIELDS.map((f) => (
        <label key={f.key} className="autoscale__field">
          <span>{f.label}</span>
          <input
            className="input autoscale__input"
            data-testid={`autoscale-${f.key}-${props.service}`}
            type="number"
            min={f.min}
            max={f.max}
            step={1}
            disabled={props.saving}
            value={draft[f.key] ?? String(settings[f.key])}
            onChange={(event) => setDraft((d) => ({ ...d, [f.key]: event.target.value }))}
            onBlur={() => commit(f.key)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') commit(f.key)
            }}
          />
        </label>
      ))}
    </div>
  )
}
