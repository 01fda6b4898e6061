/**
 * One StackStatus snapshot of a stack on a swarm, from its services and their tasks: per
 * service the desired and running counts, per replica (one task per slot) the node, the
 * task's state and desired state and its error. The same shape the compose driver gives,
 * so the UI and the CLI read both alike. Pure: swarm-engine.ts fetches what it reads.
 */
import type Docker from 'dockerode'
import type {
  ContainerState,
  ContainerStatus,
  EngineConnectivity,
  Health,
  PanelError,
  PortBinding,
  ServiceStatus
} from '../../../../shared/contract'
import type { EngineStatus } from '../stack-driver'
import type { ComposeProject, ServiceSpec } from '../../compose-model'
import type { RelayRoute } from './swarm-relay'
import type { SwarmNode, SwarmTask } from './swarm-services'
import { STACK_LABEL, stackServiceName } from './swarm-spec'
import { serviceState } from '../../status-builder'

export interface SwarmStatusInput {
  engine: EngineConnectivity
  project: ComposeProject | null
  projectName: string
  composeFile: string
  composeError: PanelError | null
  services: Docker.Service[]
  tasks: SwarmTask[]
  nodes: SwarmNode[]
  routes: RelayRoute[]
  now?: number
}

/** Task states before the container runs. */
const PENDING = new Set(['new', 'allocated', 'pending', 'assigned', 'accepted', 'preparing', 'ready'])

export function buildSwarmStatus(input: SwarmStatusInput): EngineStatus {
  const stack = input.project?.project ?? input.projectName
  const base = {
    project: stack,
    composeFile: input.composeFile,
    engine: input.engine,
    composeError: input.composeError,
    updatedAt: new Date(input.now ?? Date.now()).toISOString()
  }
  const byName = new Map(input.services.map((s) => [s.Spec?.Name ?? '', s]))
  const nodeName = new Map(input.nodes.map((n) => [n.id, n.hostname]))
  const statusOf = (name: string, spec: ServiceSpec | null): ServiceStatus => {
    const service = byName.get(stackServiceName(stack, name))
    const tasks = service === undefined ? [] : input.tasks.filter((t) => t.ServiceID === service.ID)
    const hasHealthcheck = spec?.healthcheck != null && !spec.healthcheckDisabled
    const containers = currentTasks(tasks).map((t) =>
      taskStatus(
        t,
        tasks,
        name,
        stack,
        hasHealthcheck,
        nodeName,
        portsOf(service, name, input.routes),
        input.now ?? Date.now()
      )
    )
    const desired = service?.Spec?.Mode?.Replicated?.Replicas ?? 0
    const running = containers.filter((c) => c.state === 'running')
    const healthy = running.filter((c) => c.health === 'healthy' || (!hasHealthcheck && c.health === 'none'))
    const starting = running.some((c) => c.health === 'starting')
    return {
      name,
      image: spec?.image ?? service?.Spec?.Labels?.[STACK_LABEL.image] ?? '',
      desiredReplicas: desired,
      runningReplicas: running.length,
      healthyReplicas: healthy.length,
      hasHealthcheck,
      state: serviceState(desired, running.length, healthy.length, starting),
      containers
    }
  }
  const declared = input.project === null ? [] : [...input.project.services.values()]
  const services = declared.map((s) => statusOf(s.name, s))
  const known = new Set(declared.map((s) => stackServiceName(stack, s.name)))
  const orphans = input.services
    .filter((s) => !known.has(s.Spec?.Name ?? ''))
    .flatMap((s) => statusOf((s.Spec?.Name ?? '').slice(stack.length + 1), null).containers)
  return { ...base, services, orphans }
}

/**
 * The task of each slot swarm wants running (else the newest of the slot, while it stops). A
 * replacement waits out the restart delay with desired state "ready" before "running": it is
 * the slot's task then too, or a replica would vanish from the status between the two.
 */
export function currentTasks(tasks: SwarmTask[]): SwarmTask[] {
  const wanted = (t: SwarmTask): boolean => t.DesiredState === 'running' || t.DesiredState === 'ready'
  const bySlot = new Map<number, SwarmTask>()
  const newest = [...tasks].sort((a, b) => (b.CreatedAt ?? '').localeCompare(a.CreatedAt ?? ''))
  for (const t of newest) {
    const slot = t.Slot ?? 0
    const held = bySlot.get(slot)
    if (held === undefined) {
      if (wanted(t) || t.Status.State === 'running') bySlot.set(slot, t)
    } else if (!wanted(held) && wanted(t)) bySlot.set(slot, t)
  }
  return [...bySlot.values()].sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0))
}

function taskStatus(
  t: SwarmTask,
  all: SwarmTask[],
  service: string,
  stack: string,
  hasHealthcheck: boolean,
  nodeName: Map<string, string>,
  ports: PortBinding[],
  now: number
): ContainerStatus {
  const { state, health } = taskState(t.Status.State, hasHealthcheck)
  const startedAt = state === 'running' ? (t.Status.Timestamp ?? null) : null
  return {
    id: t.ID,
    name: `${stackServiceName(stack, service)}.${t.Slot ?? 0}`,
    service,
    number: t.Slot ?? 0,
    image: t.Spec?.ContainerSpec?.Image ?? '',
    state,
    health,
    startedAt,
    uptimeMs: startedAt === null ? null : Math.max(0, now - Date.parse(startedAt)),
    exitCode: state === 'running' ? null : (t.Status.ContainerStatus?.ExitCode ?? null),
    // Swarm replaces a task rather than restarting it: the slot's earlier tasks are its restarts.
    restarts: all.filter((o) => o !== t && o.Slot === t.Slot && (o.CreatedAt ?? '') < (t.CreatedAt ?? '')).length,
    ports,
    upToDate: true,
    task: {
      node: t.NodeID === undefined ? null : (nodeName.get(t.NodeID) ?? t.NodeID.slice(0, 12)),
      state: t.Status.State,
      desiredState: t.DesiredState,
      error: t.Status.Err ?? null
    }
  }
}

/**
 * A task is "starting" while its container runs and its healthcheck has not passed yet (swarm
 * reports it running only once healthy), so running means healthy where there is a check.
 */
export function taskState(state: string, hasHealthcheck: boolean): { state: ContainerState; health: Health } {
  if (state === 'running') return { state: 'running', health: hasHealthcheck ? 'healthy' : 'none' }
  if (state === 'starting') return { state: 'running', health: hasHealthcheck ? 'starting' : 'none' }
  if (PENDING.has(state)) return { state: 'created', health: 'none' }
  if (state === 'complete' || state === 'shutdown') return { state: 'exited', health: 'none' }
  if (state === 'remove' || state === 'orphaned') return { state: 'removing', health: 'none' }
  return { state: 'dead', health: hasHealthcheck ? 'unhealthy' : 'none' } // failed, rejected
}

/** What a replica publishes: swarm's own ports and the relay's loopback ones. */
function portsOf(service: Docker.Service | undefined, name: string, routes: RelayRoute[]): PortBinding[] {
  const own = (service?.Endpoint?.Ports ?? []).map((p): PortBinding => ({
    containerPort: p.TargetPort ?? 0,
    protocol: p.Protocol ?? 'tcp',
    hostIp: null,
    hostPort: p.PublishedPort ?? null
  }))
  const relayed = routes
    .filter((r) => r.service === name)
    .map((r): PortBinding => ({ containerPort: r.target, protocol: 'tcp', hostIp: r.hostIp, hostPort: r.published }))
  return [...relayed, ...own].sort((a, b) => a.containerPort - b.containerPort)
}
