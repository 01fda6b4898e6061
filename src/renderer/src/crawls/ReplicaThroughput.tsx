import type { ReactElement } from 'react'
import type { CrawlReplicaStats } from '../../../shared/crawl'
import { formatRate } from '../../../shared/crawl-progress'
import { TableHead } from '../components/TableHead'

/** Which scraper replica (container hostname) finished how much, and its rate over the last 30 s. */
export function ReplicaThroughput({ replicas }: { replicas: CrawlReplicaStats[] }): ReactElement {
  return (
    <section className="panel" aria-labelledby="crawl-replicas-heading">
      <h2 id="crawl-replicas-heading">Throughput per replica</h2>
      {replicas.length === 0 ? (
        <p className="muted">No replica has finished an id of this crawl yet.</p>
      ) : (
        <table className="compact-table">
          <TableHead columns={['Replica', 'Rate (30 s)', 'Done', 'Failed']} />
          <tbody>
            {[...replicas]
              .sort((a, b) => a.replica.localeCompare(b.replica))
              .map((r) => (
                <tr key={r.replica} data-testid="crawl-replica-row">
                  <th scope="row">
                    <code>{r.replica}</code>
                  </th>
                  <td>{formatRate(r.ratePerSecond)}</td>
                  <td>{r.done.toLocaleString()}</td>
                  <td>{r.failed.toLocaleString()}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
