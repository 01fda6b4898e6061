/**
 * The swarm calls of the stack layer over dockerode: the stack's services, tasks and nodes,
 * creating and updating a service (with the version the engine last gave, retried when it
 * moved: "update out of sequence"), and removing what a stack made. One client, owned by
 * SwarmEngine; nothing here decides what the stack should be.
 */
import type Docker from 'dockerode'
import { STACK_LABEL } from './swarm-spec'

export interface SwarmState {
  /** inactive, pending, active, error, locked */
  localNodeState: string
  nodeId: string | null
  isManager: boolean
}

/** The parts of a swarm task the panel reads (the Engine API's Task object). */
export interface SwarmTask {
  ID: string
  ServiceID: string
  Slot?: number
  NodeID?: string
  DesiredState: string
  CreatedAt?: string
  UpdatedAt?: string
  Status: {
    Timestamp?: string
    State: string
    Message?: string
    Err?: string
    ContainerStatus?: { ContainerID?: string; ExitCode?: number }
  }
  Spec?: { ContainerSpec?: { Image?: string } }
}

export interface SwarmNode {
  id: string
  hostname: string
  role: string
  state: string
}

export async function swarmState(docker: Docker): Promise<SwarmState> {
  const info = (await docker.info()) as {
    Swarm?: { LocalNodeState?: string; NodeID?: string; ControlAvailable?: boolean }
  }
  return {
    localNodeState: info.Swarm?.LocalNodeState ?? 'inactive',
    nodeId: info.Swarm?.NodeID || null,
    isManager: info.Swarm?.ControlAvailable === true
  }
}

const namespaceFilter = (stack: string): string => `${STACK_LABEL.namespace}=${stack}`

export function listStackServices(docker: Docker, stack: string): Promise<Docker.Service[]> {
  return docker.listServices({ filters: { label: [namespaceFilter(stack)] } })
}

export async function listServiceTasks(docker: Docker, serviceIds: string[]): Promise<SwarmTask[]> {
  if (serviceIds.length === 0) return []
  return (await docker.listTasks({ filters: { service: serviceIds } })) as SwarmTask[]
}

export async function listNodes(docker: Docker): Promise<SwarmNode[]> {
  const nodes = (await docker.listNodes()) as {
    ID: string
    Description?: { Hostname?: string }
    Spec?: { Role?: string }
    Status?: { State?: string }
  }[]
  return nodes.map((n) => ({
    id: n.ID,
    hostname: n.Description?.Hostname ?? n.ID.slice(0, 12),
    role: n.Spec?.Role ?? 'worker',
    state: n.Status?.State ?? 'unknown'
  }))
}

/** Creates the service, or updates the one of that name to this spec (its replicas as given). */
export async function deployService(docker: Docker, spec: Docker.CreateServiceOptions): Promise<'created' | 'updated'> {
  const existing = (await docker.listServices({ filters: { name: [spec.Name as string] } })).find(
    (s) => s.Spec?.Name === spec.Name
  )
  if (existing === undefined) {
    await docker.createService(spec)
    return 'created'
  }
  await updateService(docker, existing.ID, () => spec)
  return 'updated'
}

/**
 * Updates a service from its current spec. Swarm refuses an update made against an older
 * version ("update out of sequence": someone, or swarm itself, changed it meanwhile), so
 * the spec is read again and the change made again, a few times.
 */
export async function updateService(
  docker: Docker,
  id: string,
  change: (current: Docker.ServiceSpec) => Docker.ServiceSpec,
  attempts = 5
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const service = docker.getService(id)
    const info = (await service.inspect()) as Docker.Service
    const body = change(info.Spec ?? {})
    try {
      await service.update({ _query: { version: info.Version?.Index }, _body: body } as never)
      return
    } catch (err) {
      if (attempt >= attempts || !/update out of sequence/i.test((err as Error).message)) throw err
    }
  }
}

/** Sets a replicated service's replica count. */
export function setReplicas(docker: Docker, id: string, replicas: number): Promise<void> {
  return updateService(docker, id, (spec) => ({ ...spec, Mode: { Replicated: { Replicas: replicas } } }))
}

export async function removeService(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getService(id).remove()
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err
  }
}

/** The stack's containers on this node (its tasks' and the relay's), by label. */
export async function stackContainers(docker: Docker, stack: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [namespaceFilter(stack)] } })
}

export async function ensureOverlayNetwork(docker: Docker, spec: Docker.NetworkCreateOptions): Promise<boolean> {
  const found = (await docker.listNetworks({ filters: { name: [spec.Name] } })).find((n) => n.Name === spec.Name)
  if (found !== undefined) return false
  await docker.createNetwork(spec)
  return true
}

export async function stackNetworks(docker: Docker, stack: string): Promise<Docker.NetworkInspectInfo[]> {
  return docker.listNetworks({ filters: { label: [namespaceFilter(stack)] } })
}

export async function stackVolumes(docker: Docker, stack: string): Promise<string[]> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [namespaceFilter(stack)] } })
  return (Volumes ?? []).map((v) => v.Name)
}

/**
 * Retries a removal the engine refuses for a while after a task ended (a network with
 * active endpoints, a volume still in use) until it goes or the deadline passes.
 */
export async function removeWhenFree(remove: () => Promise<unknown>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await remove()
      return
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode
      if (status === 404) return
      if (Date.now() > deadline) throw err
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}
