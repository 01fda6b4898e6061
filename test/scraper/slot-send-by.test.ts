/**
 * A slotted fetch is checked against its slot's start window once more right before the
 * request is written, so whatever delayed it after the scraper's own check (a busy event loop,
 * a new connection) cannot make it reach the site late: it is never sent, and the answer is
 * FetchSlotMissed. Measured at the site: the server sees no such request, on a kept-alive
 * connection or a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchPage } from '../../src/services/scraper/fetch-page'
import type { FetchLimits } from '../../src/services/scraper/fetch-page'
import { startStaticServer } from '../support/static-server'
import type { StaticServer } from '../support/static-server'

let site: StaticServer
const limits = (notAfter: number | null): FetchLimits => ({
  timeoutMs: 2000,
  maxBytes: 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'scrapedeck-scraper/test',
  notAfter
})

beforeAll(async () => {
  site = await startStaticServer({ routes: { '/page': { body: '<h1>page</h1>' } } })
})

afterAll(async () => {
  await site?.close()
})

const seen = (): number => site.requests.length

describe('the last check of a fetch slot', () => {
  it('sends a request inside its window', async () => {
    const before = seen()
    await expect(fetchPage(`${site.origin}/page`, limits(Date.now() + 1000))).resolves.toMatchObject({
      html: '<h1>page</h1>'
    })
    expect(seen() - before).toBe(1)
  })

  it('does not send one past its window on a kept-alive connection', async () => {
    await fetchPage(`${site.origin}/page`, limits(null))
    const before = seen()
    await expect(fetchPage(`${site.origin}/page`, limits(Date.now() - 20))).rejects.toMatchObject({
      name: 'FetchSlotMissed',
      message: expect.stringMatching(/ready to leave \d+ ms after its fetch slot closed/)
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(seen() - before).toBe(0)
  })

  it('does not send one past its window on a new connection', async () => {
    const fresh = await startStaticServer({ routes: { '/page': { body: '<h1>page</h1>' } } })
    try {
      await expect(fetchPage(`${fresh.origin}/page`, limits(Date.now() - 20))).rejects.toMatchObject({
        name: 'FetchSlotMissed'
      })
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(fresh.requests).toHaveLength(0)
    } finally {
      await fresh.close()
    }
  })
})
