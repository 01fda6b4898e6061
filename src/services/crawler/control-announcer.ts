/**
 * Tells every scraper which of this coordinator's crawls to answer without scraping
 * (crawl-control.ts): the paused ones, and the cancelled or deleted ones for as long as
 * their requests may still sit in the queue. Each announcement is the whole set, and carries
 * every source (name, listing URL template, paused) so scrapers learn sources at run time.
 */
import { randomBytes } from 'node:crypto'
import { CONTROL_TTL_MS, MAX_CONTROLLED_CRAWLS } from './crawl-control'
import type { CrawlerLink } from './crawler-link'
import type { CrawlStore } from './crawl-store'
import type { SourceStore } from '../sources/source-store'
import type { AnnouncedSource } from '../../shared/source'

/** How long a cancelled or deleted crawl is still announced: its requests may sit in the queue that long. */
const ANNOUNCE_CANCELLED_MS = 15 * 60_000
/** Well within CONTROL_TTL_MS, so a listener's set never lapses while we run. */
export const ANNOUNCE_EVERY_MS = 2000

export class ControlAnnouncer {
  private readonly coordinatorId = randomBytes(6).toString('hex')
  /** Deleted crawls have no document left to say so. */
  private readonly deleted = new Map<string, number>()
  lastAnnounce = 0

  constructor(
    private readonly crawls: CrawlStore,
    private readonly link: CrawlerLink,
    private readonly sources?: { store: SourceStore; service: string }
  ) {}

  markDeleted(id: string): void {
    this.deleted.set(id, Date.now())
  }

  async announce(): Promise<void> {
    const now = Date.now()
    this.lastAnnounce = now
    const crawls: Record<string, 'cancelled' | 'paused'> = {}
    for (const [id, at] of this.deleted) {
      if (now - at > ANNOUNCE_CANCELLED_MS) this.deleted.delete(id)
      else crawls[id] = 'cancelled'
    }
    for (const crawl of await this.crawls.list(['paused', 'cancelled'], MAX_CONTROLLED_CRAWLS)) {
      if (crawl.state === 'paused') crawls[crawl.id] = 'paused'
      else if (crawl.finishedAt !== null && now - Date.parse(crawl.finishedAt) < ANNOUNCE_CANCELLED_MS)
        crawls[crawl.id] = 'cancelled'
    }
    const sources: AnnouncedSource[] | undefined = (await this.sources?.store.list())?.map(
      ({ name, listingUrlTemplate, paused }) => ({ name, listingUrlTemplate, paused })
    )
    await this.link.announce({
      coordinator: this.coordinatorId,
      ttlMs: CONTROL_TTL_MS,
      crawls,
      ...(sources === undefined || this.sources === undefined ? {} : { sources, service: this.sources.service })
    })
  }
}
