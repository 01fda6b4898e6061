import type { ReactElement } from 'react'
import { DEFAULT_SOURCE_NAME } from '../../../shared/source'
import type { SourceDetail } from '../../../shared/source'

/** One source, by name; the default source first. Until the list arrives only the default source is offered. */
export function SourcePicker({
  sources,
  value,
  onChange,
  testId
}: {
  sources: SourceDetail[] | null
  value: string
  onChange: (name: string) => void
  testId: string
}): ReactElement {
  const names = sources === null ? [DEFAULT_SOURCE_NAME] : sources.filter((s) => !s.paused).map((s) => s.name)
  if (!names.includes(value)) names.unshift(value)
  return (
    <label className="field">
      <span>Source</span>
      <select className="input" value={value} data-testid={testId} onChange={(event) => onChange(event.target.value)}>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  )
}
