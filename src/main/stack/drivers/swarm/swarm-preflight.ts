/**
 * The swarm's pre-flight, beside the host-access one (host-access.ts) and in its finding
 * shape with file:line: the keys a swarm ignores or treats differently and what the panel
 * does about each (notes), and the ports that would become public on a swarm (findings to
 * accept). Swarm publishes a port on every interface of a node, ingress or host mode alike:
 * the Engine API's PortConfig has no bind address, so a "127.0.0.1:" is dropped. The panel
 * keeps such ports on the manager's loopback through its relay (swarm-relay.ts) unless told
 * to publish them (DECK_SWARM_PUBLISH=public, `deck --publish-public`), which is a finding.
 */
import type Docker from 'dockerode'
import type { HostAccessFinding, HostAccessKind, HostAccessSeverity } from '../../../../shared/host-access'
import type { ComposeProject, PortSpec, ServiceSpec } from '../../compose-model'
import { withDependencies } from '../orchestration'
import { isLoopback } from './swarm-relay'

/** What becomes of the file's loopback ports on a swarm. */
export type SwarmPublish = 'loopback' | 'public'

export function parseSwarmPublish(value: string | undefined): SwarmPublish {
  if (value === undefined || value === '' || value === 'loopback') return 'loopback'
  if (value === 'public') return 'public'
  throw new Error(`DECK_SWARM_PUBLISH is "loopback" (default) or "public", got "${value}"`)
}

const isAnyInterface = (ip: string | null): boolean => ip === null || ['', '0.0.0.0', '::', '[::]'].includes(ip)

/** Which of a service's ports swarm publishes itself (host mode: dnsrr services cannot use ingress). */
export function publicPorts(spec: ServiceSpec, publish: SwarmPublish): Docker.PortConfig[] {
  return spec.ports
    .filter((p) => !isLoopback(p.hostIp) || publish === 'public' || (p.protocol ?? 'tcp') !== 'tcp')
    .map((p) => ({
      Protocol: p.protocol ?? 'tcp',
      TargetPort: p.target,
      PublishedPort: p.published ?? undefined,
      PublishMode: 'host' as const
    }))
}

export function swarmFindings(
  project: ComposeProject,
  options: { services?: string[]; publish: SwarmPublish }
): HostAccessFinding[] {
  const selected =
    options.services === undefined ? [...project.services.keys()] : withDependencies(project, options.services)
  const findings: HostAccessFinding[] = []
  for (const name of selected) {
    const spec = project.services.get(name)
    if (spec === undefined) continue
    const add = (
      kind: HostAccessKind,
      severity: HostAccessSeverity,
      path: (string | number)[],
      message: string,
      hint: string
    ): void => {
      findings.push({
        kind,
        severity,
        file: project.file,
        line: project.source.lineOf(['services', name, ...path]),
        service: name,
        message,
        hint
      })
    }
    const note = (path: (string | number)[], message: string, hint: string): void =>
      add('swarm-key', 'note', path, message, hint)
    spec.ports.forEach((p, i) =>
      portFinding(p, options.publish, (severity, message, hint) =>
        add(severity === 'note' ? 'swarm-key' : 'swarm-public-port', severity, ['ports', i], message, hint)
      )
    )
    if (spec.build !== null) {
      note(
        ['build'],
        "build: swarm does not build: the panel builds the image on the manager, pushes it to the stack's registry there and pins the service to the pushed digest",
        "Workers pull it from DECK_SWARM_REGISTRY (default 127.0.0.1:5000, the manager alone): with more nodes, set it to the manager's address and list that in each worker's insecure-registries."
      )
    }
    if (Object.keys(spec.dependsOn).length > 0) {
      note(
        ['depends_on'],
        `depends_on: swarm starts every service at once: the panel deploys ${name} only once ${Object.keys(spec.dependsOn).join(', ')} run (healthy)`,
        'A dependency that restarts later is not waited for: the service must reconnect by itself (ours do).'
      )
    }
    if (spec.restart !== null) {
      note(
        ['restart'],
        `restart: "${spec.restart.Name}" becomes the restart policy condition "${spec.restart.Name === 'no' ? 'none' : spec.restart.Name === 'on-failure' ? 'on-failure' : 'any'}"; swarm replaces a task rather than restarting its container`,
        'Set deploy.restart_policy to say it the swarm way.'
      )
    }
    if (spec.hardening.securityOpt !== null) {
      note(
        ['security_opt'],
        'security_opt: not in a swarm service spec (no-new-privileges and the profiles apply to containers only): the tasks run without them',
        'Keep cap_drop and user: they do reach the tasks.'
      )
    }
    if (spec.hostname !== null && spec.replicas > 1) {
      note(
        ['hostname'],
        `hostname: every one of the ${spec.replicas} replicas gets the same hostname`,
        'Leave it out for a service that scales.'
      )
    }
    if (spec.host.privileged === true)
      note(
        ['privileged'],
        'privileged: ignored by swarm: the tasks run unprivileged',
        'Add only the capabilities it needs (cap_add).'
      )
    if (spec.host.networkMode !== null)
      note(
        ['network_mode'],
        `network_mode "${spec.host.networkMode}": ignored by swarm: the tasks join the stack's overlay network`,
        'Remove network_mode.'
      )
    if (spec.host.pid !== null || spec.host.ipc !== null)
      note(
        [spec.host.pid !== null ? 'pid' : 'ipc'],
        'pid/ipc: ignored by swarm: the tasks get their own namespaces',
        'Remove them.'
      )
    if (spec.host.devices !== null)
      note(['devices'], 'devices: ignored by swarm: the tasks get no host devices', 'Remove devices.')
    spec.volumes.forEach((v, i) => {
      if (v.type === 'bind')
        note(
          ['volumes', i],
          `bind mount of ${v.source}: a task gets the path of the node it runs on, which must exist there`,
          'Use a named volume, or constrain the service to one node.'
        )
    })
  }
  return findings
}

function portFinding(
  p: PortSpec,
  publish: SwarmPublish,
  add: (severity: HostAccessSeverity, message: string, hint: string) => void
): void {
  const port = `${p.published ?? 'a random port'}:${p.target}/${p.protocol ?? 'tcp'}`
  if (isLoopback(p.hostIp) && (p.protocol ?? 'tcp') !== 'tcp') {
    add(
      'medium',
      `${p.hostIp}:${port}: the loopback relay carries TCP only, so swarm publishes it on every interface of the node running the task`,
      'Use TCP, or accept it public.'
    )
  } else if (isLoopback(p.hostIp) && publish === 'public') {
    add(
      'medium',
      `${p.hostIp}:${port} becomes public: swarm ignores the loopback address and publishes it on every interface of the node running the task`,
      'Keep it on loopback (the default: DECK_SWARM_PUBLISH=loopback) unless other machines must reach it.'
    )
  } else if (isLoopback(p.hostIp)) {
    add(
      'note',
      `${p.hostIp}:${port}: swarm would publish it on every interface, so the panel's loopback relay serves it on the manager's ${p.hostIp} instead`,
      'Reach it on the manager; `--publish-public` publishes it from the node that runs it.'
    )
  } else if (!isAnyInterface(p.hostIp)) {
    add(
      'medium',
      `${p.hostIp}:${port}: swarm cannot bind one address; it publishes on every interface of the node running the task`,
      'Bind it to 127.0.0.1 (the relay keeps it there), or accept it public.'
    )
  }
  // A port on every interface is public with Compose too: host-access.ts reports it.
}
