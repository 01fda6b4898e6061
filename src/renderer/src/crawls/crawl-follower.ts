/**
 * One follow of one crawl over a PanelApi: crawlFollow, then its crawlProgress events (handed
 * on at most once per interval), until its crawlProgressEnd or stop(). Events that arrive
 * before crawlFollow answers are kept by followId and replayed once the id is known, so an
 * end that comes early is not missed; a stop before the answer unfollows when it comes.
 * A crawl that ended (cancelled) while its ledger still counts ids as queued or scraping is
 * asked again (crawlGet) until those settle, so the page does not keep the stale counts.
 */
import type { PanelApi, PanelError } from '../../../shared/contract'
import type { CrawlDetail } from '../../../shared/crawl'
import { remainingCount } from '../../../shared/crawl-progress'
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
  let followId: string | null = null
  let stopped = false
  let finished = false
  let settleTimer: ReturnType<typeof setTimeout> | null = null
  const early = new Map<string, { detail?: CrawlDetail; end?: string }>()
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

  const end = (reason: string): void => {
    finished = true
    throttle.flush()
    throttle.cancel()
    listener.ended(reason)
    settle(SETTLE_TRIES)
  }
  const offProgress = api.on('crawlProgress', (event) => {
    if (followId === null) early.set(event.followId, { ...early.get(event.followId), detail: event.detail })
    else if (event.followId === followId && !finished) throttle.push(event.detail)
  })
  const offEnd = api.on('crawlProgressEnd', (event) => {
    if (followId === null) early.set(event.followId, { ...early.get(event.followId), end: event.reason })
    else if (event.followId === followId && !finished) end(event.reason)
  })

  void api.invoke('crawlFollow', { id }).then((result) => {
    if (stopped) {
      if (result.ok) void api.invoke('crawlUnfollow', { followId: result.value.followId })
      return
    }
    if (!result.ok) {
      listener.error(result.error)
      return
    }
    followId = result.value.followId
    const before = early.get(followId)
    early.clear()
    show(before?.detail ?? result.value.detail)
    if (before?.end !== undefined) end(before.end)
  })

  return () => {
    stopped = true
    if (settleTimer !== null) clearTimeout(settleTimer)
    offProgress()
    offEnd()
    throttle.cancel()
    if (followId !== null && !finished) void api.invoke('crawlUnfollow', { followId })
  }
}
