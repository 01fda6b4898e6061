import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../log'
import { LogShipper } from './log-shipper'

/** A loopback port nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const line = (n: number): string => `{"time":"${new Date().toISOString()}","level":"info","msg":"line ${n}"}`

describe('the log shipper with its store unreachable', () => {
  it('keeps lines up to its buffer, counts the rest as dropped, and a flush gives up instead of waiting', async () => {
    const reports: string[] = []
    const shipper = new LogShipper({
      elasticsearchUrl: `http://elastic:secret@127.0.0.1:${await closedPort()}`,
      indexPrefix: 'unit',
      maxBufferedLines: 3,
      logger: silentLogger,
      report: (text) => reports.push(text)
    })
    for (let n = 0; n < 5; n++) shipper.push(line(n))
    expect(shipper.stats()).toMatchObject({ shipped: 0, dropped: 2, buffered: 3 })
    await shipper.flush(10_000)
    const stats = shipper.stats()
    expect(stats.buffered).toBe(3)
    expect(stats.lastError).toMatch(/Elasticsearch did not answer PUT \/_index_template\/unit-logs/)
    expect(reports).toEqual([expect.stringMatching(/^log store unreachable; lines are kept \(up to 3\)/)])
    await shipper.stop(0)
    shipper.push(line(6))
    expect(shipper.stats().buffered).toBe(3)
  })
})
