/**
 * The crawl actions on the ledger: cancel, pause, resume, retry failed, delete. State
 * changes of many items go page by page (search_after) as guarded bulk updates; an item a
 * reply changed meanwhile is picked up by the next pass.
 */
import type { CrawlAction, CrawlItemState } from '../../shared/crawl'
import type { CrawlStore } from './crawl-store'
import { CrawlError } from './crawl-errors'
import { crawlItemsQuery } from './item-store'
import type { ItemStore } from './item-store'
import type { CrawlDoc, ItemDoc } from './ledger-docs'

export interface ActionContext {
  crawls: CrawlStore
  items: ItemStore
}

const ALLOWED: Record<CrawlAction, CrawlDoc['state'][]> = {
  cancel: ['running', 'paused'],
  pause: ['running'],
  resume: ['paused'],
  retry: ['running', 'paused', 'done']
}

export async function applyAction(crawl: CrawlDoc, action: CrawlAction, ctx: ActionContext): Promise<void> {
  if (!ALLOWED[action].includes(crawl.state)) {
    throw new CrawlError(
      'CrawlConflict',
      `Cannot ${action} crawl ${crawl.id}: it is ${crawl.state}`,
      `${action} applies to a crawl that is ${ALLOWED[action].join(' or ')}.`
    )
  }
  const now = new Date().toISOString()
  switch (action) {
    case 'cancel':
      await ctx.crawls.update(crawl.id, { state: 'cancelled', finishedAt: now, updatedAt: now })
      // Requests already queued are answered "cancelled" by the scrapers (crawl control);
      // their items are settled here at once so the counts say so now.
      await changeAll(ctx.items, crawl.id, ['queued', 'scraping'], () => ({
        state: 'cancelled',
        finishedAt: now,
        updatedAt: now
      }))
      return
    case 'pause':
      // Items in the queue come back `queued` as the scrapers answer them "paused".
      await ctx.crawls.update(crawl.id, { state: 'paused', updatedAt: now })
      return
    case 'resume':
      await ctx.crawls.update(crawl.id, { state: 'running', updatedAt: now })
      return
    case 'retry':
      // Same items, attempts kept: each gets maxAttempts more.
      await changeAll(ctx.items, crawl.id, ['failed'], (item) => ({
        state: 'queued',
        attemptLimit: item.attempts + crawl.maxAttempts,
        notBefore: null,
        finishedAt: null,
        updatedAt: now
      }))
      await ctx.crawls.update(crawl.id, {
        state: crawl.state === 'paused' ? 'paused' : 'running',
        finishedAt: null,
        updatedAt: now
      })
      return
  }
}

/** Deletes the crawl and every item of it, a page at a time. */
export async function deleteCrawl(crawlId: string, ctx: ActionContext): Promise<void> {
  await ctx.crawls.delete(crawlId)
  for (let pass = 0; pass < 10; pass += 1) {
    await ctx.items.refresh()
    let deleted = 0
    for await (const page of ctx.items.scan(crawlItemsQuery(crawlId))) {
      await ctx.items.deleteMany(page.map((item) => item.doc))
      deleted += page.length
    }
    if (deleted === 0) return
  }
}

async function changeAll(
  items: ItemStore,
  crawlId: string,
  from: CrawlItemState[],
  changes: (item: ItemDoc) => Partial<ItemDoc>
): Promise<void> {
  for (let pass = 0; pass < 10; pass += 1) {
    await items.refresh()
    let pending = 0
    for await (const page of items.scan(crawlItemsQuery(crawlId, from))) {
      const result = await items.updateMany(page.map((item) => ({ item, changes: changes(item.doc) })))
      pending += result.conflicts.length + result.failed.length
    }
    if (pending === 0) return
  }
}
