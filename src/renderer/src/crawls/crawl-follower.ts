/**
 * One follow of one crawl over a PanelApi: crawlFollow, then its crawlProgress events (handed
 * on at most once per interval), until its crawlProgressEnd or stop(). Events that arrive
 * before crawlFollow answers are kept by followId and replayed once the id is known, so an
 * end that comes early is not missed; a stop before the answer unfollows when it comes.
 */
import type { PanelApi, PanelError } from '../../../shared/contract'
import type { CrawlDetail } from '../../../shared/crawl'
import { LatestThrottle } from './latest-throttle'

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
  const early = new Map<string, { detail?: CrawlDetail; end?: string }>()
  const throttle = new LatestThrottle<CrawlDetail>(intervalMs, listener.detail)

  const end = (reason: string): void => {
    finished = true
    throttle.flush()
    throttle.cancel()
    listener.ended(reason)
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
    listener.detail(before?.detail ?? result.value.detail)
    if (before?.end !== undefined) end(before.end)
  })

  return () => {
    stopped = true
    offProgress()
    offEnd()
    throttle.cancel()
    if (followId !== null && !finished) void api.invoke('crawlUnfollow', { followId })
  }
}
