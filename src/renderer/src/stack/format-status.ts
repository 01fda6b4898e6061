import type { PortBinding, ServiceState, ServiceStatus } from '../../../shared/contract'

/** 3 s, 4 min 12 s, 2 h 5 min, 3 d 4 h */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${s % 60} s`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h} h ${m % 60} min`
  return `${Math.floor(h / 24)} d ${h % 24} h`
}

/** 127.0.0.1:8080→8080/tcp, unpublished ports left out, duplicates folded. */
export function formatPorts(ports: PortBinding[]): string[] {
  const shown = ports
    .filter((p) => p.hostPort !== null)
    .map((p) => `${p.hostIp ?? '*'}:${p.hostPort}→${p.containerPort}${p.protocol === 'tcp' ? '' : `/${p.protocol}`}`)
  return [...new Set(shown)]
}

export const STATE_LABELS: Record<ServiceState, string> = {
  up: 'Up',
  starting: 'Starting',
  degraded: 'Degraded',
  down: 'Down',
  stopped: 'Stopped'
}

/** The longest uptime among the service's running containers, as of `now`. */
export function serviceUptimeMs(service: ServiceStatus, snapshotAt: string, now: number): number | null {
  const uptimes = service.containers.flatMap((c) => (c.uptimeMs === null ? [] : [c.uptimeMs]))
  if (uptimes.length === 0) return null
  return Math.max(...uptimes) + Math.max(0, now - Date.parse(snapshotAt))
}

export function healthText(service: ServiceStatus): string {
  if (!service.hasHealthcheck) return service.runningReplicas > 0 ? 'no check' : '—'
  if (service.runningReplicas === 0) return '—'
  const starting = service.containers.some((c) => c.health === 'starting')
  if (service.healthyReplicas === service.runningReplicas) return 'healthy'
  return `${service.healthyReplicas}/${service.runningReplicas} healthy${starting ? ', starting' : ''}`
}

/** On a swarm, [node, replicas running there] for a service; empty for containers of one engine. */
export function replicasPerNode(service: ServiceStatus): [string, number][] {
  const counts = new Map<string, number>()
  for (const c of service.containers) {
    if (c.task === undefined || c.state !== 'running') continue
    const node = c.task.node ?? 'unassigned'
    counts.set(node, (counts.get(node) ?? 0) + 1)
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b))
}
