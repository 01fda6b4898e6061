/**
 * How long a crawl still takes when each host allows only so many requests a second, and how
 * many scrapers are worth running for it. Pure arithmetic, shared by the coordinator (the
 * crawl's ETA), the panel ("ETA at N replicas" beside the scraper stepper) and the autoscaler.
 *
 *   ETA(fleet rate R) = max(remaining ÷ R, for each host h: remaining_h ÷ allowed_h)
 *
 * A host's allowed rate bounds its part of the crawl however many replicas run; the fleet's
 * rate bounds the whole. Past the replica count where the slowest host's bound is the larger
 * one, more replicas do not make the crawl end sooner.
 */

/** One host's share of a crawl's remaining work. */
export interface HostWork {
  host: string
  /** Items of the crawl on this host not finished yet (queued or scraping). */
  remaining: number
  /** Fetch starts per second the host allows; null when nothing limits it. */
  allowedPerSecond: number | null
}

/** Seconds the host needs for its remaining items at its allowed rate; 0 when unlimited or done. */
function hostSeconds(h: HostWork): number {
  if (h.remaining <= 0 || h.allowedPerSecond === null) return 0
  if (h.allowedPerSecond <= 0) return Infinity
  return h.remaining / h.allowedPerSecond
}

/** The slowest hosts' bound: the crawl cannot end sooner, at any fleet rate. */
export function hostBoundSeconds(hosts: readonly HostWork[]): number {
  return hosts.reduce((longest, h) => Math.max(longest, hostSeconds(h)), 0)
}

/**
 * max(remaining ÷ fleet rate, each host's remaining ÷ its allowed rate), in whole seconds;
 * null when it cannot be told (work left and no fleet rate yet, or a host that allows nothing).
 */
export function politeEtaSeconds(
  remaining: number,
  fleetRatePerSecond: number,
  hosts: readonly HostWork[]
): number | null {
  if (remaining <= 0) return 0
  if (fleetRatePerSecond <= 0) return null
  const seconds = Math.max(remaining / fleetRatePerSecond, hostBoundSeconds(hosts))
  return Number.isFinite(seconds) ? Math.round(seconds) : null
}

interface ReplicaEta {
  replicas: number
  etaSeconds: number | null
}

export interface ScalingAdvice {
  /** The ETA at each replica count asked for. */
  etas: ReplicaEta[]
  /**
   * The fewest replicas past which the crawl does not end sooner (the hosts' bound is
   * reached); null when no host limits it (more replicas always help).
   */
  helpfulUpTo: number | null
  /** The hosts that bound the crawl at helpfulUpTo replicas, slowest first. */
  hostsAtLimit: string[]
}

/**
 * The ETA at 1…maxReplicas replicas, each going at `perReplicaPerSecond` (the fleet's rate ÷ its
 * replicas), and where more replicas stop helping.
 */
export function scalingAdvice(
  remaining: number,
  perReplicaPerSecond: number,
  hosts: readonly HostWork[],
  maxReplicas: number
): ScalingAdvice {
  const etas: ReplicaEta[] = []
  for (let n = 1; n <= maxReplicas; n++)
    etas.push({ replicas: n, etaSeconds: politeEtaSeconds(remaining, n * perReplicaPerSecond, hosts) })
  const bound = hostBoundSeconds(hosts)
  if (remaining <= 0 || perReplicaPerSecond <= 0 || bound === 0 || !Number.isFinite(bound))
    return { etas, helpfulUpTo: null, hostsAtLimit: [] }
  // The fewest n with remaining ÷ (n × rate) ≤ bound.
  const helpfulUpTo = Math.max(1, Math.ceil(remaining / (perReplicaPerSecond * bound) - 1e-9))
  const fleetSeconds = remaining / (helpfulUpTo * perReplicaPerSecond)
  const hostsAtLimit = hosts
    .filter((h) => hostSeconds(h) > 0 && hostSeconds(h) >= fleetSeconds)
    .sort((a, b) => hostSeconds(b) - hostSeconds(a))
    .map((h) => h.host)
  return { etas, helpfulUpTo, hostsAtLimit }
}

/** "more than 3 scrapers will not go faster: X and Y are at their limit", or null. */
export function scalingAdviceText(advice: ScalingAdvice): string | null {
  if (advice.helpfulUpTo === null) return null
  const n = advice.helpfulUpTo
  const names = advice.hostsAtLimit
  const who =
    names.length <= 1
      ? `${names[0] ?? 'a host'} is at its limit`
      : names.length <= 3
        ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are at their limit`
        : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more are at their limit`
  return `more than ${n} scraper${n === 1 ? '' : 's'} will not go faster: ${who}`
}
