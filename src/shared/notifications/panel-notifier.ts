/**
 * The notifications of one shell, over its PanelApi: the same code in the Electron main
 * process (over an in-process panel session) and in the web page. It feeds the rules the
 * broadcast events, asks for the crawl list every few seconds (crawl follows go to their
 * follower alone), drops the kinds switched off, rate-limits the rest and hands each notice
 * to the shell's `show` (Electron's Notification, or the browser's).
 */
import type { PanelApi } from '../contract'
import { NoticeRateLimit } from './notice-rate-limit'
import { NoticeRules } from './notice-rules'
import type { NotificationSettings, PanelNotice } from './notification-settings'

export interface NotifierOptions {
  api: PanelApi
  /** Read at every notice, so a change in the settings panel applies at once. */
  settings: () => NotificationSettings
  show: (notice: PanelNotice) => void
  /** How often the crawl list is asked for. Default 5 s. */
  crawlPollMs?: number
  now?: () => number
}

/** Starts notifying; the function returned stops it. */
export function startNotifier(options: NotifierOptions): () => void {
  const { api, settings, show } = options
  const now = options.now ?? Date.now
  let scraperService: string | null = null
  const rules = new NoticeRules(() => scraperService)
  const limit = new NoticeRateLimit()
  const deliver = (notices: PanelNotice[]): void => {
    const current = settings()
    for (const notice of notices) {
      if (!current.kinds[notice.kind]) continue
      const admitted = limit.admit(notice.kind, now(), current.maxPerKindPerMinute)
      if (!admitted.show) continue
      show(
        admitted.heldBack === 0
          ? notice
          : { ...notice, body: `${notice.body} (${admitted.heldBack} more like it held back)` }
      )
    }
  }
  void api.invoke('config', {}).then((result) => {
    if (result.ok) scraperService = result.value.scraperService
  })
  // The first change after the start is news too: the stack as it is now is the baseline.
  void api.invoke('status', {}).then((result) => {
    if (result.ok) rules.baseline(result.value, now())
  })
  const offs = [
    api.on('progress', (event) => rules.progress(event, now())),
    api.on('status', (status) => deliver(rules.status(status, now()))),
    api.on('metrics', (metrics) => deliver(rules.metrics(metrics, now(), settings()))),
    api.on('autoscaleDecision', (decision) => deliver(rules.autoscale(decision)))
  ]
  let polling = false
  const poll = (): void => {
    if (polling) return
    polling = true
    void api.invoke('crawlList', {}).then((result) => {
      polling = false
      // The coordinator is down with the stack: nothing to say about crawls then.
      if (result.ok) deliver(rules.crawlList(result.value.crawls))
    })
    void api.invoke('savedSearchList', {}).then((result) => {
      if (result.ok) deliver(rules.savedSearches(result.value.savedSearches))
    })
    void api.invoke('watchList', {}).then((result) => {
      if (result.ok) deliver(rules.watches(result.value.watches))
    })
  }
  poll()
  const timer = setInterval(poll, options.crawlPollMs ?? 5000)
  return () => {
    clearInterval(timer)
    for (const off of offs) off()
  }
}
