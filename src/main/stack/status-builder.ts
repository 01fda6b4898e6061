/** One full StackStatus snapshot from the engine's containers and the compose file. */
import type Docker from 'dockerode'
import type {
  ContainerState,
  ContainerStatus,
  EngineConnectivity,
  Health,
  PanelError,
  PortBinding,
  ServiceState,
  ServiceStatus
} from '../../shared/contract'
import type { EngineStatus } from './drivers/stack-driver'
import type { ComposeProject, ServiceSpec } from './compose-model'
import { expectedConfig, isCurrent } from './config-match'
import type { ExpectedConfig } from './config-match'
import { imageId } from './image-provider'
import { listProjectContainers } from './project-containers'
import type { ProjectContainer } from './project-containers'

export interface StatusInput {
  docker: Docker
  engine: EngineConnectivity
  project: ComposeProject | null
  projectName: string
  composeFile: string
  composeError: PanelError | null
  desiredReplicas: (service: ServiceSpec, existing: number) => number
}

export async function buildStackStatus(input: StatusInput): Promise<EngineStatus> {
  const { project } = input
  const base = {
    project: project?.project ?? input.projectName,
    composeFile: input.composeFile,
    engine: input.engine,
    composeError: input.composeError,
    updatedAt: new Date().toISOString()
  }
  if (input.engine.state !== 'connected') {
    const services =
      project === null
        ? []
        : [...project.services.values()].map((s) => serviceStatus(s, [], input.desiredReplicas(s, 0)))
    return { ...base, services, orphans: [] }
  }
  const listed = await listProjectContainers(input.docker, base.project)
  const details = await Promise.all(listed.map((c) => inspect(input.docker, c)))
  const expected = new Map<string, ExpectedConfig>()
  if (project !== null) {
    await Promise.all(
      [...project.services.values()].map(async (s) => {
        const id = await imageId(input.docker, s.image).catch(() => null)
        expected.set(s.name, expectedConfig(project, s, id))
      })
    )
  }
  const containers = details.filter((c): c is ContainerStatus => c !== null)
  // Up to date: the container runs what the file now describes, as the Compose that made it judges.
  for (const c of containers) {
    const labels = listed.find((l) => l.id === c.id)
    const want = expected.get(c.service)
    c.upToDate = want === undefined || labels === undefined || isCurrent(labels, want)
  }
  const services =
    project === null
      ? []
      : [...project.services.values()].map((s) => {
          const own = containers.filter((c) => c.service === s.name)
          return serviceStatus(s, own, input.desiredReplicas(s, own.length))
        })
  const orphans = containers.filter((c) => project === null || !project.services.has(c.service))
  return { ...base, services, orphans }
}

function serviceStatus(spec: ServiceSpec, containers: ContainerStatus[], desired: number): ServiceStatus {
  const hasHealthcheck = spec.healthcheck !== null
  const running = containers.filter((c) => c.state === 'running')
  const healthy = running.filter((c) => c.health === 'healthy' || (!hasHealthcheck && c.health === 'none'))
  const starting = running.some((c) => c.health === 'starting')
  const state = serviceState(desired, running.length, healthy.length, starting)
  return {
    name: spec.name,
    image: spec.image,
    desiredReplicas: desired,
    runningReplicas: running.length,
    healthyReplicas: healthy.length,
    hasHealthcheck,
    state,
    containers
  }
}

/** A service's state from its replica counts (the compose and swarm drivers judge alike). */
export function serviceState(desired: number, running: number, healthy: number, starting: boolean): ServiceState {
  if (desired === 0 && running === 0) return 'stopped'
  if (running === 0) return 'down'
  if (healthy >= desired && running >= desired) return 'up'
  if (starting && running >= desired) return 'starting'
  return 'degraded'
}

async function inspect(docker: Docker, c: ProjectContainer): Promise<ContainerStatus | null> {
  let info: Docker.ContainerInspectInfo
  try {
    info = await docker.getContainer(c.id).inspect()
  } catch {
    return null // removed between list and inspect
  }
  const running = info.State.Running
  const startedAt = info.State.StartedAt.startsWith('0001-') ? null : info.State.StartedAt
  return {
    id: c.id,
    name: c.name,
    service: c.service,
    number: c.number,
    image: c.image,
    state: toState(info.State.Status),
    health: toHealth(info.State.Health?.Status),
    startedAt,
    uptimeMs: running && startedAt !== null ? Math.max(0, Date.now() - Date.parse(startedAt)) : null,
    exitCode: running ? null : info.State.ExitCode,
    restarts: info.RestartCount,
    ports: ports(c.ports),
    upToDate: true
  }
}

function ports(list: Docker.Port[]): PortBinding[] {
  const seen = new Set<string>()
  const out: PortBinding[] = []
  for (const p of list) {
    // The engine lists IPv4 and IPv6 bindings of one port separately; one is enough here.
    const key = `${p.PrivatePort}/${p.Type}/${p.PublicPort ?? ''}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({
      containerPort: p.PrivatePort,
      protocol: p.Type === 'udp' || p.Type === 'sctp' ? p.Type : 'tcp',
      hostIp: p.IP ?? null,
      hostPort: p.PublicPort ?? null
    })
  }
  // The engine lists a container's bindings in no fixed order; sorted, a steady stack reads the same.
  return out.sort(
    (a, b) =>
      a.containerPort - b.containerPort ||
      a.protocol.localeCompare(b.protocol) ||
      (a.hostPort ?? 0) - (b.hostPort ?? 0) ||
      (a.hostIp ?? '').localeCompare(b.hostIp ?? '')
  )
}

function toState(status: string): ContainerState {
  const known: ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']
  return known.includes(status as ContainerState) ? (status as ContainerState) : 'dead'
}

function toHealth(status: string | undefined): Health {
  return status === 'healthy' || status === 'unhealthy' || status === 'starting' ? status : 'none'
}
