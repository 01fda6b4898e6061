import type { ReactElement } from 'react'
import type { CrawlSummary } from '../../../shared/crawl'
import { finishedCount, formatRate, percentFinished } from '../../../shared/crawl-progress'
import { CrawlProgressBar } from './CrawlProgressBar'
import { crawlStateLabel, crawlTitle } from './crawl-labels'
import { TableHead } from '../components/TableHead'

/** The crawls, newest first: title, state, a progress bar stacked by item state, rate. */
export function CrawlList({ crawls, onOpen }: { crawls: CrawlSummary[]; onOpen: (id: string) => void }): ReactElement {
  if (crawls.length === 0) return <p className="muted">No crawls yet: start one above.</p>
  return (
    <table className="crawls" data-testid="crawl-list">
      <TableHead
        columns={['Crawl', 'State', { label: 'Progress', className: 'crawls__progress' }, 'Rate', 'Started']}
      />
      <tbody>
        {crawls.map((crawl) => (
          <tr key={crawl.id} data-testid="crawl-row" data-crawl-id={crawl.id} data-state={crawl.state}>
            <th scope="row">
              <button type="button" className="link-button" onClick={() => onOpen(crawl.id)}>
                {crawlTitle(crawl)}
              </button>
              <span className="muted crawls__id">{crawl.id}</span>
            </th>
            <td data-testid="crawl-row-state">{crawlStateLabel(crawl)}</td>
            <td className="crawls__progress">
              <CrawlProgressBar counts={crawl} />
              <span className="muted">
                {percentFinished(crawl)}% · {finishedCount(crawl)}/{crawl.total}
                {crawl.failed > 0 && <span className="crawls__failed"> · {crawl.failed} failed</span>}
              </span>
            </td>
            <td>{crawl.state === 'running' ? formatRate(crawl.ratePerSecond) : '—'}</td>
            <td>{new Date(crawl.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
