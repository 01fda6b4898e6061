import type { ReactElement } from 'react'
import type { ProgressEvent } from '../../../shared/contract'

/** The steps of the operations now running, newest last; the newest step per thing only. */
export function ProgressList({ events }: { events: ProgressEvent[] }): ReactElement | null {
  if (events.length === 0) return null
  const latestPerSubject = new Map<string, ProgressEvent>()
  for (const event of events) latestPerSubject.set(`${event.step}:${event.container ?? event.service ?? ''}`, event)
  const shown = [...latestPerSubject.values()].slice(-8)
  const last = events.at(-1)
  const fraction =
    last && last.total !== null && last.current !== null && last.total > 0 ? last.current / last.total : null
  return (
    <section className="progress" aria-label="Progress" aria-live="polite">
      {fraction === null ? (
        <progress aria-label="Working" />
      ) : (
        <progress value={fraction} max={1} aria-label="Working" />
      )}
      <ol className="progress__steps">
        {shown.map((event) => (
          <li key={`${event.step}:${event.container ?? event.service ?? ''}`} data-state={event.state}>
            <span className="progress__state">
              {event.state === 'done' ? '✓' : event.state === 'failed' ? '✗' : '…'}
            </span>{' '}
            {event.message}
          </li>
        ))}
      </ol>
    </section>
  )
}
