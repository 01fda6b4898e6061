import type { ReactElement } from 'react'
import type { CrawlStartResponse } from '../../../shared/crawl'
import { crawlTitle } from './crawl-labels'
import { TableHead } from '../components/TableHead'

/** What a start accepted and left out: the invalid lines (number + reason) and the duplicates. */
export function StartReport({
  report,
  onOpen,
  onDismiss
}: {
  report: CrawlStartResponse
  onOpen: () => void
  onDismiss: () => void
}): ReactElement {
  const { crawl, invalidLines, invalidCount, duplicateCount } = report
  return (
    <div className="panel start-report" role="status" data-testid="crawl-start-report">
      <p className="start-report__head">
        Started <strong>{crawlTitle(crawl)}</strong> with {crawl.total.toLocaleString()} ids
        {crawl.ingesting && ' so far (still reading the source)'}.{' '}
        <button type="button" className="button button--primary" data-testid="crawl-open-started" onClick={onOpen}>
          Open it
        </button>{' '}
        <button type="button" className="button button--quiet" aria-label="Dismiss this report" onClick={onDismiss}>
          ×
        </button>
      </p>
      {duplicateCount > 0 && (
        <p data-testid="crawl-duplicates">
          {duplicateCount.toLocaleString()} duplicate id{duplicateCount === 1 ? '' : 's'} counted once.
        </p>
      )}
      {invalidCount > 0 && (
        <>
          <p data-testid="crawl-invalid-count">
            {invalidCount.toLocaleString()} invalid line{invalidCount === 1 ? '' : 's'} left out
            {invalidCount > invalidLines.length && ` (the first ${invalidLines.length} below)`}:
          </p>
          <table className="invalid-lines">
            <TableHead columns={['Line', 'Reason', 'Text']} />
            <tbody>
              {invalidLines.map((l) => (
                <tr key={l.line} data-testid="crawl-invalid-line">
                  <td>{l.line}</td>
                  <td>{l.reason}</td>
                  <td>
                    <code>{l.text}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  )
}
