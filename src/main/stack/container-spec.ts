/** ServiceSpec → the Engine API's container create body, as Docker Compose (v1 or v2) would make it. */
import type Docker from 'dockerode'
import type { ComposeProject, ServiceSpec } from './compose-model'
import { containerLabels, containerName } from './compose-labels'
import type { ComposeFlavour } from './compose-labels'

/** Which Compose the container imitates and what it records of the config it runs. */
export interface ContainerIdentity {
  flavour: ComposeFlavour
  configHash: string
  imageId: string | null
}

export function containerCreateOptions(
  project: ComposeProject,
  spec: ServiceSpec,
  number: number,
  identity: ContainerIdentity,
  /** network_mode "service:x" resolved to "container:<id>" (see container-ops.ts). */
  resolvedNetworkMode: string | null = null
): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {}
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {}
  for (const p of spec.ports) {
    const key = `${p.target}/${p.protocol ?? 'tcp'}`
    exposed[key] = {}
    ;(bindings[key] ??= []).push({ HostIp: p.hostIp ?? '', HostPort: p.published === null ? '' : String(p.published) })
  }
  const primary = spec.networks[0]
  const primaryName = primary === undefined ? undefined : (project.networks.get(primary.name)?.name ?? primary.name)
  return {
    name: containerName(identity.flavour, project.project, spec.name, number),
    Image: spec.image,
    Cmd: spec.commandArgv ?? undefined,
    Entrypoint: spec.entrypointArgv ?? undefined,
    Env: Object.entries(spec.environment).map(([k, v]) => `${k}=${v}`),
    Labels: containerLabels({
      project: project.project,
      service: spec.name,
      number,
      flavour: identity.flavour,
      configHash: identity.configHash,
      imageId: identity.imageId,
      dependsOn: spec.dependsOn,
      workingDir: project.workingDir,
      configFile: project.file,
      userLabels: spec.labels
    }),
    Hostname: spec.hostname ?? undefined,
    User: spec.user ?? undefined,
    WorkingDir: spec.workingDir ?? undefined,
    Tty: spec.tty ?? undefined,
    ExposedPorts: exposed,
    StopSignal: spec.stopSignal ?? undefined,
    StopTimeout: spec.stopGraceSeconds,
    Healthcheck: engineHealthcheck(spec),
    HostConfig: {
      PortBindings: bindings,
      Mounts: spec.volumes.map((v) =>
        v.type === 'volume'
          ? {
              Type: 'volume' as const,
              Source: project.volumes.get(v.name)?.name ?? v.name,
              Target: v.target,
              ReadOnly: v.readOnly
            }
          : v.type === 'bind'
            ? { Type: 'bind' as const, Source: v.source, Target: v.target, ReadOnly: v.readOnly }
            : { Type: 'volume' as const, Source: '', Target: v.target, ReadOnly: v.readOnly }
      ),
      RestartPolicy: spec.restart === null ? undefined : spec.restart,
      Init: spec.init ?? undefined,
      NetworkMode: resolvedNetworkMode ?? spec.host.networkMode ?? primaryName,
      ...hostAccessConfig(spec),
      ...hardeningConfig(spec)
    },
    NetworkingConfig:
      primary === undefined || primaryName === undefined
        ? undefined
        : { EndpointsConfig: { [primaryName]: { Aliases: [spec.name, ...primary.aliases] } } }
  }
}

/** Networks beyond the primary one, connected after create (the API takes one at create time). */
/** The file's healthcheck as the Engine API takes it (a container's Healthcheck, a swarm task's HealthCheck). */
export function engineHealthcheck(spec: ServiceSpec): Docker.HealthConfig | undefined {
  const hc = spec.healthcheck
  if (spec.healthcheckDisabled) return { Test: ['NONE'] }
  if (hc === null) return undefined
  return {
    Test: typeof hc.test === 'string' ? ['CMD-SHELL', hc.test] : hc.test,
    Interval: hc.intervalNs ?? undefined,
    Timeout: hc.timeoutNs ?? undefined,
    Retries: hc.retries ?? undefined,
    StartPeriod: hc.startPeriodNs ?? undefined
  }
}

export function extraNetworks(project: ComposeProject, spec: ServiceSpec): { name: string; aliases: string[] }[] {
  return spec.networks
    .slice(1)
    .map((n) => ({ name: project.networks.get(n.name)?.name ?? n.name, aliases: [spec.name, ...n.aliases] }))
}

/** The keys that reach the host, as docker-compose v1 passes them (host-access.ts lists them before up). */
function hostAccessConfig(spec: ServiceSpec): Docker.HostConfig {
  const h = spec.host
  return {
    Privileged: h.privileged ?? undefined,
    PidMode: h.pid ?? undefined,
    IpcMode: h.ipc ?? undefined,
    CapAdd: h.capAdd ?? undefined,
    Devices: h.devices?.map((d) => {
      const [onHost = '', inContainer = onHost, permissions = 'rwm'] = d.split(':')
      return { PathOnHost: onHost, PathInContainer: inContainer, CgroupPermissions: permissions }
    })
  }
}

/** The keys that take power away from a container. */
function hardeningConfig(spec: ServiceSpec): Docker.HostConfig {
  const h = spec.hardening
  return {
    CapDrop: h.capDrop ?? undefined,
    ReadonlyRootfs: h.readOnly ?? undefined,
    Tmpfs:
      h.tmpfs === null
        ? undefined
        : Object.fromEntries(
            h.tmpfs.map((t) => {
              const colon = t.indexOf(':')
              return colon === -1 ? [t, ''] : [t.slice(0, colon), t.slice(colon + 1)]
            })
          ),
    SecurityOpt: h.securityOpt ?? undefined,
    Memory: h.memoryBytes ?? undefined,
    NanoCpus: h.nanoCpus ?? undefined,
    PidsLimit: h.pidsLimit ?? undefined
  }
}
