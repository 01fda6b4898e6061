/**
 * Asks before the stack starts from a compose file that reaches the host: the pre-flight's
 * findings (file:line, what it does, what to do instead), then "Start anyway" or "Cancel".
 * Starting accepts this file hash, which the panel remembers, so the same file asks once.
 */
import { useEffect, useRef } from 'react'
import type { ReactElement } from 'react'
import { findingLocation } from '../../../shared/host-access'
import type { PreflightResult } from '../../../shared/host-access'

interface Props {
  preflight: PreflightResult
  onStart: (fileHash: string) => void
  onCancel: () => void
}

export function HostAccessDialog({ preflight, onStart, onCancel }: Props): ReactElement {
  const cancel = useRef<HTMLButtonElement>(null)
  // The safe choice has the focus; Escape cancels.
  useEffect(() => cancel.current?.focus(), [])
  const { findings } = preflight
  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="host-access-title"
        aria-describedby="host-access-intro"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel()
        }}
      >
        <h2 id="host-access-title">This compose file reaches the host</h2>
        <p id="host-access-intro">
          Starting it gives its containers what is listed below ({findings.length} finding
          {findings.length === 1 ? '' : 's'}). Start only a file you trust.
        </p>
        <ul className="findings" data-testid="host-access-findings">
          {findings.map((f, i) => (
            <li key={i} className={`finding finding--${f.severity}`}>
              <span className="finding__where">
                {findingLocation(f)} · {f.service} · <strong>{f.severity}</strong>
              </span>
              <span className="finding__message">{f.message}</span>
              <span className="finding__hint muted">{f.hint}</span>
            </li>
          ))}
        </ul>
        <div className="toolbar">
          <button type="button" className="button button--danger" onClick={() => onStart(preflight.fileHash)}>
            Start anyway
          </button>
          <button type="button" className="button" ref={cancel} onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  )
}
