/**
 * An Elasticsearch that accepts connections but never answers (a hung node): lookups must
 * still answer through the scraper, bounded by the short request timeout, and keep the
 * write pending instead of dropping it.
 */
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ListingsService } from '../../src/services/listings'
import { countingScrape, uniqueId } from './fixtures'

const sockets = new Set<Socket>()
let silent: Server
let service: ListingsService
const scraper = countingScrape(10)

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  const { port } = silent.address() as AddressInfo
  service = new ListingsService({
    elasticsearchUrl: `http://127.0.0.1:${port}`,
    index: 'never-created',
    esRequestTimeoutMs: 300,
    cache: { retryBaseMs: 60_000 },
    scrape: scraper.scrape
  })
  // No start(): the first lookup itself meets the hung node.
})

afterAll(async () => {
  await service.close()
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => silent.close(resolve))
})

describe('hung Elasticsearch', () => {
  it('answers from the scraper within the timeout and keeps the write pending', async () => {
    const id = uniqueId()
    const started = Date.now()
    const result = await service.lookup(id)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(result).toMatchObject({ source: 'scrape', cache: 'unavailable' })
    expect(result.listing.ID).toBe(id)
    expect(service.cache.status()).toMatchObject({ available: false, pendingWrites: 1 })
    expect(service.cache.status().lastError).toMatch(/did not answer in time|Timeout/i)

    const health = await service.elasticsearchHealth()
    expect(health.clusterStatus).toBeNull()
    expect(health.pendingWrites).toBe(1)
  })
})
