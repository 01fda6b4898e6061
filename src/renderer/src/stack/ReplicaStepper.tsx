import type { ReactElement } from 'react'
import { MAX_REPLICAS } from '../../../shared/stack-status'

/** − n +: each click asks for one replica more or fewer at once. */
export function ReplicaStepper(props: {
  service: string
  desired: number
  busy: boolean
  onScale: (replicas: number) => void
}): ReactElement {
  const { service, desired, busy, onScale } = props
  return (
    <div className="stepper" role="group" aria-label={`${service} replicas`}>
      <button
        type="button"
        className="button stepper__button"
        aria-label={`One ${service} replica fewer`}
        disabled={busy || desired <= 0}
        onClick={() => onScale(desired - 1)}
      >
        −
      </button>
      <output className="stepper__value" aria-live="polite" data-testid={`replicas-desired-${service}`}>
        {desired}
      </output>
      <button
        type="button"
        className="button stepper__button"
        aria-label={`One ${service} replica more`}
        disabled={busy || desired >= MAX_REPLICAS}
        onClick={() => onScale(desired + 1)}
      >
        +
      </button>
    </div>
  )
}
