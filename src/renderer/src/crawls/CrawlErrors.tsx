import type { ReactElement } from 'react'
import type { CrawlErrorGroup } from '../../../shared/crawl'

/** Failures grouped by kind, with a message and a few example ids; a click shows the failed items. */
export function CrawlErrors({
  errors,
  onShowFailed
}: {
  errors: CrawlErrorGroup[]
  onShowFailed: () => void
}): ReactElement {
  return (
    <section className="panel" aria-labelledby="crawl-errors-heading">
      <h2 id="crawl-errors-heading">Errors</h2>
      {errors.length === 0 ? (
        <p className="muted">No failures.</p>
      ) : (
        <>
          <ul className="crawl-errors">
            {[...errors]
              .sort((a, b) => b.count - a.count)
              .map((e) => (
                <li key={e.kind} data-testid="crawl-error-group" data-kind={e.kind}>
                  <strong>{e.kind}</strong> <span className="crawl-errors__count">× {e.count.toLocaleString()}</span>
                  <p className="crawl-errors__message">{e.exampleMessage}</p>
                  <p className="muted">
                    e.g.{' '}
                    {e.exampleIds.map((id) => (
                      <code key={id} className="crawl-errors__id">
                        {id}
                      </code>
                    ))}
                  </p>
                </li>
              ))}
          </ul>
          <button type="button" className="button" onClick={onShowFailed}>
            Show the failed ids
          </button>
        </>
      )}
    </section>
  )
}
