/**
 * One follow of one crawl over a PanelApi: the `crawl` stream, its details handed on at most
 * once per interval, until it ends or stop(). A crawl that ended (cancelled) while its
 * ledger still counts ids as queued or scraping is asked again (crawlGet) until those
 * settle, so the page does not keep the stale counts.
 */
import type { PanelApi, PanelError } from '../../../shared/contract'
import type { CrawlDetail } from '../../../shared/crawl'
import { remainingCount } from '../../../shared/crawl-progress'
import { followStream } from '../api/follow-stream'
import { LatestThrottle } from './latest-throttle'

/** How often, and how many times, an ended crawl with unsettled counts is asked again. */
export const SETTLE_INTERVAL_MS = 1000
const SETTLE_TRIES = 15

export interface FollowListener {
  detail: (detail: CrawlDetail) => void
  error: (error: PanelError) => void
  /** The follow ended (the crawl ended, the coordinator went away…): nothing more comes. */
  ended: (reason: string) => void
}

/** Starts the follow; the function returned stops it. */
export function followCrawl(api: PanelApi, id: string, listener: FollowListener, intervalMs: number): () => void {
  let stopped = false
  let settleTimer: ReturnType<typeof setTimeout> | null = null
  let latest: CrawlDetail | null = null
  const show = (detail: CrawlDetail): void => {
    latest = detail
    listener.detail(detail)
  }
  const throttle = new LatestThrottle<CrawlDetail>(intervalMs, show)

  const settle = (triesLeft: number): void => {
    if (stopped || latest === null || triesLeft <= 0) return
    if (latest.state !== 'done' && latest.state !== 'cancelled') return
    if (remainingCount(latest) === 0) return
    settleTimer = setTimeout(() => {
      void api.invoke('crawlGet', { id }).then((result) => {
        if (stopped || !result.ok) return
        show(result.value)
        settle(triesLeft - 1)
      })
    }, SETTLE_INTERVAL_MS)
  }

  const close = followStream(
    api,
    'crawl',
    { id },
    {
      items: (details) => {
        const newest = details.at(-1)
        if (newest !== undefined) throttle.push(newest)
      },
      ended: (reason) => {
        throttle.flush()
        throttle.cancel()
        listener.ended(reason)
        settle(SETTLE_TRIES)
      },
      failed: (error) => listener.error(error)
    }
  )

  return () => {
    stopped = true
    if (settleTimer !== null) clearTimeout(settleTimer)
    throttle.cancel()
    close()
  }
}
