/** A tiny inline SVG line of recent values (a service's CPU), scaled to its own maximum. */
import type { ReactElement } from 'react'

export function Sparkline({
  values,
  label,
  testId
}: {
  values: number[]
  label: string
  testId?: string
}): ReactElement {
  const width = 80
  const height = 20
  const max = Math.max(1, ...values)
  const step = values.length > 1 ? width / (values.length - 1) : 0
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`)
    .join(' ')
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      data-testid={testId}
    >
      {values.length > 1 && <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />}
    </svg>
  )
}
