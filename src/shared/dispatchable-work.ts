/**
 * The work the fleet could be doing right now, host by host, for sizing it (the autoscaler):
 * a host takes at most its maxInFlight requests at once whatever its backlog, a paused or
 * blocked host none, and a host without limits all it has. So a crawl of one slow host asks
 * for one host's worth of scrapers, and twenty hosts ask for twenty hosts' worth.
 */

export interface HostBacklog {
  host: string
  /** Items on this host not finished yet, over the running crawls. */
  remaining: number
  /** Null when politeness is off for the host. */
  maxInFlight: number | null
  /** Backing off (429, 503) or blocked: nothing of it can be dispatched now. */
  held: boolean
}

export interface DispatchableWork {
  /** Requests that could be in flight at once now, summed over the hosts. */
  total: number
  /** Hosts whose backlog is more than they take at once (they hold the rest back). */
  hostsAtLimit: number
  /** Hosts paused or blocked with work waiting. */
  hostsHeld: number
}

export function dispatchableWork(hosts: readonly HostBacklog[]): DispatchableWork {
  let total = 0
  let hostsAtLimit = 0
  let hostsHeld = 0
  for (const h of hosts) {
    if (h.remaining <= 0) continue
    if (h.held) {
      hostsHeld++
      continue
    }
    const now = h.maxInFlight === null ? h.remaining : Math.min(h.remaining, h.maxInFlight)
    if (now < h.remaining) hostsAtLimit++
    total += now
  }
  return { total, hostsAtLimit, hostsHeld }
}
