/**
 * The crawler's integration tests' helpers: the real crawl stack of test/support/crawl-stack.ts,
 * and waits and checks on a crawl through its REST client.
 */
import { expect } from 'vitest'
import type { CrawlClient } from '../../src/main/clients/crawl-client'
import { CRAWL_ITEM_STATES } from '../../src/shared/crawl'
import type { CrawlDetail, CrawlItem, CrawlSummary } from '../../src/shared/crawl'
import { waitUntil } from '../support/crawl-stack'

export * from '../support/crawl-stack'

export async function waitForCrawl(
  client: CrawlClient,
  id: string,
  states: CrawlSummary['state'][] = ['done', 'cancelled'],
  timeoutMs = 150_000
): Promise<CrawlDetail> {
  return waitUntil(
    async () => {
      const detail = await client.get(id)
      return states.includes(detail.state) ? detail : null
    },
    timeoutMs,
    `crawl ${id} to be ${states.join(' or ')}`,
    300
  )
}

export function expectCountsAddUp(summary: CrawlSummary): void {
  expect(CRAWL_ITEM_STATES.reduce((sum, state) => sum + summary[state], 0)).toBe(summary.total)
}

/** Every item of a crawl, page by page as a client would read them. */
export async function allItems(client: CrawlClient, id: string): Promise<CrawlItem[]> {
  const items: CrawlItem[] = []
  let cursor: string | undefined
  do {
    const page = await client.items(id, { limit: 500, ...(cursor ? { cursor } : {}) })
    items.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return items
}
