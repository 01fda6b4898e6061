import type { ReactElement } from 'react'
import { progressSegments } from '../../../shared/crawl-progress'
import type { CrawlCounts } from '../../../shared/crawl-progress'
import { ITEM_STATE_LABELS } from './crawl-labels'

/** Width units of the bar's viewBox; the SVG stretches to its box, so only fractions matter. */
const UNITS = 1000

/**
 * One bar, one segment per item state (done, skipped, failed, cancelled, scraping, queued).
 * SVG attributes rather than inline widths: the panel's CSP allows no inline styles.
 */
export function CrawlProgressBar({ counts, large = false }: { counts: CrawlCounts; large?: boolean }): ReactElement {
  const segments = progressSegments(counts)
  const label =
    segments.length === 0 ? 'No ids yet' : segments.map((s) => `${ITEM_STATE_LABELS[s.state]} ${s.count}`).join(', ')
  return (
    <svg
      className={`crawl-bar${large ? ' crawl-bar--large' : ''}`}
      viewBox={`0 0 ${UNITS} 10`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`Progress: ${label}`}
      data-testid="crawl-progress-bar"
    >
      <rect className="crawl-bar__track" x={0} y={0} width={UNITS} height={10} />
      {segments.map((s) => (
        <rect
          key={s.state}
          className={`crawl-bar__segment crawl-bar__segment--${s.state}`}
          x={s.start * UNITS}
          y={0}
          width={s.fraction * UNITS}
          height={10}
          data-state={s.state}
        >
          <title>{`${ITEM_STATE_LABELS[s.state]}: ${s.count}`}</title>
        </rect>
      ))}
    </svg>
  )
}
