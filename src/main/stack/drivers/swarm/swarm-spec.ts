/**
 * ServiceSpec → the Engine API's swarm service spec, as `docker stack deploy` would write it
 * (names `<stack>_<service>`, the com.docker.stack.* labels, the service key as its network
 * alias), so `docker stack ls/ps` sees the panel's stack. Pure: swarm-services.ts sends it.
 */
import type Docker from 'dockerode'
import type { ComposeProject, NetworkSpec, ServiceSpec, VolumeSpec } from '../../compose-model'
import { engineHealthcheck } from '../../container-spec'

export const STACK_LABEL = {
  namespace: 'com.docker.stack.namespace',
  image: 'com.docker.stack.image',
  /** Ours: the loopback relay container of a stack (swarm-relay.ts). */
  relay: 'io.scrapedeck.swarm.relay',
  /** Ours: the image registry container of a stack, its value the address nodes pull from (swarm-registry.ts). */
  registry: 'io.scrapedeck.swarm.registry'
} as const

/** The network every service joins when the file names none: Compose's and `docker stack`'s `default`. */
const DEFAULT_NETWORK = 'default'

export const stackServiceName = (stack: string, serviceName: string): string => `${stack}_${serviceName}`
export const stackResourceName = (stack: string, key: string): string => `${stack}_${key}`

export function stackLabels(stack: string, labels: Record<string, string> = {}): Record<string, string> {
  return { ...labels, [STACK_LABEL.namespace]: stack }
}

/** The networks a service joins, by key: the file's, or `default`. */
export function serviceNetworkKeys(spec: ServiceSpec): string[] {
  return spec.networks.length > 0 ? spec.networks.map((n) => n.name) : [DEFAULT_NETWORK]
}

/** Every network key the stack's services use (the overlay networks to create). */
export function stackNetworkKeys(project: ComposeProject): string[] {
  return [...new Set([...project.services.values()].flatMap(serviceNetworkKeys))]
}

/** The engine's name of a network key (the file's `name:`, else `<stack>_<key>`). */
export function networkName(project: ComposeProject, key: string): string {
  const net: NetworkSpec | undefined = project.networks.get(key)
  return net !== undefined && (net.external || net.name !== `${project.project}_${key}`)
    ? net.name
    : stackResourceName(project.project, key)
}

/** An overlay network of the stack; attachable so the manager's loopback relay can join it. */
export function overlayNetworkSpec(project: ComposeProject, key: string): Docker.NetworkCreateOptions {
  return {
    Name: networkName(project, key),
    Driver: 'overlay',
    Attachable: true,
    CheckDuplicate: true,
    Labels: stackLabels(project.project, project.networks.get(key)?.labels)
  }
}

function volumeName(project: ComposeProject, volume: VolumeSpec): string {
  return volume.external || volume.name !== `${project.project}_${volume.key}`
    ? volume.name
    : stackResourceName(project.project, volume.key)
}

export interface SwarmPortPlan {
  /** Published by swarm itself in host mode (on every interface of the node running the task). */
  public: Docker.PortConfig[]
}

/**
 * The swarm service spec of one compose service.
 * `image` is what the tasks run: `registry/name@sha256:…`, pinned by digest so every node
 * runs the same bytes (swarm-registry.ts). Endpoint mode is dnsrr: the service name resolves to its tasks'
 * addresses, which needs no IPVS in the kernel (VIP mode does, and routes nothing without it).
 */
export function swarmServiceSpec(
  project: ComposeProject,
  spec: ServiceSpec,
  image: string,
  replicas: number,
  ports: SwarmPortPlan
): Docker.CreateServiceOptions {
  const mounts: Docker.MountSettings[] = spec.volumes.map((v) => {
    if (v.type === 'bind') return { Type: 'bind', Source: v.source, Target: v.target, ReadOnly: v.readOnly }
    if (v.type === 'anonymous') return { Type: 'volume', Source: '', Target: v.target, ReadOnly: v.readOnly }
    const volume = project.volumes.get(v.name)
    const source = volume === undefined ? stackResourceName(project.project, v.name) : volumeName(project, volume)
    return {
      Type: 'volume',
      Source: source,
      Target: v.target,
      ReadOnly: v.readOnly,
      // The engine fills NoCopy and DriverConfig in; dockerode's types want them written.
      VolumeOptions: { Labels: stackLabels(project.project, volume?.labels) } as Docker.MountSettings['VolumeOptions']
    }
  })
  for (const entry of spec.hardening.tmpfs ?? []) {
    mounts.push({ Type: 'tmpfs', Source: '', Target: entry.split(':')[0] as string })
  }
  const limits: Docker.ResourceLimits = {}
  if (spec.hardening.memoryBytes !== null) limits.MemoryBytes = spec.hardening.memoryBytes
  if (spec.hardening.nanoCpus !== null) limits.NanoCPUs = spec.hardening.nanoCpus
  if (spec.hardening.pidsLimit !== null) limits.Pids = spec.hardening.pidsLimit
  return {
    Name: stackServiceName(project.project, spec.name),
    Labels: stackLabels(project.project, { [STACK_LABEL.image]: spec.image }),
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        Labels: stackLabels(project.project, spec.labels),
        Command: spec.entrypointArgv ?? undefined,
        Args: spec.commandArgv ?? undefined,
        Hostname: spec.hostname ?? undefined,
        Env: Object.entries(spec.environment).map(([k, v]) => `${k}=${v}`),
        Dir: spec.workingDir ?? undefined,
        User: spec.user ?? undefined,
        Init: spec.init ?? undefined,
        TTY: spec.tty ?? undefined,
        ReadOnly: spec.hardening.readOnly ?? undefined,
        Mounts: mounts,
        StopSignal: spec.stopSignal ?? undefined,
        StopGracePeriod: spec.stopGraceSeconds * 1e9,
        CapabilityDrop: spec.hardening.capDrop ?? undefined,
        CapabilityAdd: spec.host.capAdd ?? undefined,
        HealthCheck: engineHealthcheck(spec)
      },
      Resources: Object.keys(limits).length > 0 ? { Limits: limits } : undefined,
      RestartPolicy: restartPolicy(spec),
      // Single-node and a manager-only relay: tasks go where the scheduler puts them.
      Networks: serviceNetworkKeys(spec).map((key) => ({
        Target: networkName(project, key),
        Aliases: [spec.name, ...(spec.networks.find((n) => n.name === key)?.aliases ?? [])]
      }))
    },
    Mode: { Replicated: { Replicas: replicas } },
    UpdateConfig: updateConfig(spec),
    EndpointSpec: { Mode: 'dnsrr', Ports: ports.public }
  }
}

/**
 * `deploy.update_config` as the Engine API's UpdateConfig (durations in ns); keys not written
 * take the engine's defaults (parallelism 1 and stop-first written out, the rest left out:
 * pause, monitor 5 s), as `docker stack deploy` gives them.
 */
export function updateConfig(spec: ServiceSpec): Docker.UpdateConfig | undefined {
  const u = spec.updateConfig
  if (u === null) return undefined
  const config: Docker.UpdateConfig = { Parallelism: u.parallelism ?? 1, Order: u.order ?? 'stop-first' }
  if (u.delayNs !== null) config.Delay = u.delayNs
  if (u.failureAction !== null) config.FailureAction = u.failureAction
  if (u.monitorNs !== null) config.Monitor = u.monitorNs
  if (u.maxFailureRatio !== null) config.MaxFailureRatio = u.maxFailureRatio
  return config
}

/**
 * A swarm task is always restarted when it exits unless told otherwise (`docker stack`'s
 * default is condition "any"); compose's `restart:` maps to it as the Compose spec says.
 */
function restartPolicy(spec: ServiceSpec): Docker.TaskRestartPolicy & { Condition?: string; MaxAttempts?: number } {
  const name = spec.restart?.Name ?? null
  if (name === 'no') return { Condition: 'none' }
  if (name === 'on-failure')
    return { Condition: 'on-failure', MaxAttempts: spec.restart?.MaximumRetryCount || undefined }
  return { Condition: 'any' }
}
