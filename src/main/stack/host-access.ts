/**
 * The pre-flight: what a loaded compose project can do to the host, finding by finding with
 * the file and line of the key, before anything of it runs. A finding is anything that
 * reaches outside the project: host paths bound in, files read from outside its folder,
 * ports on every interface, host namespaces, privileges and devices.
 */
import { createHash } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, relative, isAbsolute, sep } from 'node:path'
import type { HostAccessFinding, HostAccessKind, HostAccessSeverity } from '../../shared/host-access'
import type { ComposeProject, ServiceSpec } from './compose-model'
import { withDependencies } from './drivers/orchestration'

/** The Docker engine's socket, wherever a distribution puts it. */
const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock']
/** Host directories whose contents (or writes to them) are the host's own business. */
const SYSTEM_DIRS = [
  '/etc',
  '/var',
  '/proc',
  '/sys',
  '/root',
  '/home',
  '/boot',
  '/dev',
  '/run',
  '/usr',
  '/lib',
  '/bin',
  '/sbin'
]
/** Capabilities that reach through the container to the host's kernel, files or network. */
const DANGEROUS_CAPS = new Set([
  'ALL',
  'SYS_ADMIN',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_PTRACE',
  'SYS_BOOT',
  'SYS_TIME',
  'DAC_READ_SEARCH',
  'DAC_OVERRIDE',
  'NET_ADMIN',
  'NET_RAW',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'BPF',
  'PERFMON',
  'SYSLOG',
  'LINUX_IMMUTABLE',
  'SYS_RESOURCE'
])
const CRITICAL_CAPS = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_PTRACE', 'DAC_READ_SEARCH'])

export interface PreflightOptions {
  /** Only these services and what they depend on; all when absent. */
  services?: string[]
  /** The user's home directory (a parameter so tests do not depend on who runs them). */
  home?: string
}

/** The findings of the selected services, in file order. */
export function hostAccessFindings(project: ComposeProject, options: PreflightOptions = {}): HostAccessFinding[] {
  const home = options.home ?? homedir()
  const projectDir = real(project.workingDir)
  const selected =
    options.services === undefined ? [...project.services.keys()] : withDependencies(project, options.services)
  const findings: HostAccessFinding[] = []
  for (const name of selected) {
    const spec = project.services.get(name)
    if (spec === undefined) continue
    const at = (path: (string | number)[]): number | null => project.source.lineOf(['services', name, ...path])
    const add = (
      kind: HostAccessKind,
      severity: HostAccessSeverity,
      path: (string | number)[],
      message: string,
      hint: string
    ): void => {
      findings.push({ kind, severity, file: project.file, line: at(path), service: name, message, hint })
    }
    serviceFindings(spec, { projectDir, home, add })
    networkFindings(project, spec, add)
    spec.volumes.forEach((v, i) => {
      const volume = v.type === 'volume' ? project.volumes.get(v.name) : undefined
      if (volume?.external === true) {
        add(
          'outside-mount',
          'medium',
          ['volumes', i],
          `mounts the external volume "${volume.name}" at ${v.target}: data from outside this project`,
          'Use a volume of the project unless it must share that data.'
        )
      }
    })
  }
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
}

/**
 * What acceptance binds to: the file's text and what it reaches (the findings of the whole
 * file, so a subset's acceptance covers the file as the user saw it).
 */
export function hostAccessHash(project: ComposeProject, findings: HostAccessFinding[]): string {
  const what = findings.map((f) => [f.kind, f.service, f.line, f.message])
  return createHash('sha256').update(project.source.sha256).update(JSON.stringify(what)).digest('hex')
}

interface FindingContext {
  projectDir: string
  home: string
  add: (
    kind: HostAccessKind,
    severity: HostAccessSeverity,
    path: (string | number)[],
    message: string,
    hint: string
  ) => void
}

function serviceFindings(spec: ServiceSpec, ctx: FindingContext): void {
  const { add } = ctx
  spec.volumes.forEach((v, i) => {
    if (v.type !== 'bind') return
    const path = ['volumes', i]
    const source = real(v.source)
    const ro = v.readOnly ? ' (read-only)' : ''
    if (DOCKER_SOCKETS.includes(source) || DOCKER_SOCKETS.includes(v.source)) {
      add(
        'docker-socket',
        'critical',
        path,
        `mounts the Docker socket ${v.source} at ${v.target}${ro}: the container can control the engine, and through it the host`,
        'Remove the mount unless this service must drive Docker; read-only does not help.'
      )
      return
    }
    const place = classifyPath(source, ctx)
    if (place === 'inside') return
    if (place === 'root')
      add(
        'host-mount',
        'critical',
        path,
        `mounts the host's root directory at ${v.target}${ro}`,
        'Mount only a folder of the project (e.g. ./data).'
      )
    else if (place === 'system' || place === 'home') {
      add(
        'host-mount',
        'high',
        path,
        `mounts ${place === 'home' ? 'a home directory' : 'a host system path'} ${source} at ${v.target}${ro}`,
        'Mount a folder of the project, or a named volume, instead.'
      )
    } else
      add(
        'outside-mount',
        'medium',
        path,
        `mounts ${source}, outside the project's folder, at ${v.target}${ro}`,
        'Keep bind mounts under the project folder, or use a named volume.'
      )
  })
  spec.envFiles.forEach((file, i) => {
    const place = classifyPath(real(file), ctx)
    if (place === 'inside') return
    add(
      'env-file',
      place === 'outside' ? 'medium' : 'high',
      spec.envFiles.length > 1 ? ['env_file', i] : ['env_file'],
      `reads env file ${file}, outside the project's folder: its contents go into the container's environment`,
      'Keep env files in the project folder.'
    )
  })
  if (spec.build !== null) {
    const place = classifyPath(real(spec.build.context), ctx)
    if (place !== 'inside') {
      add(
        'build-context',
        place === 'outside' ? 'medium' : 'high',
        ['build'],
        `builds from ${spec.build.context}, outside the project's folder: every file there is sent to the engine and may be copied into the image`,
        'Use a build context inside the project folder.'
      )
    }
  }
  spec.ports.forEach((p, i) => {
    if (spec.host.networkMode !== null) return
    if (p.hostIp !== null && !['', '0.0.0.0', '::', '[::]'].includes(p.hostIp)) return
    const published = p.published === null ? 'a random host port' : `host port ${p.published}`
    add(
      'public-port',
      'medium',
      ['ports', i],
      `publishes ${p.target}/${p.protocol ?? 'tcp'} on ${published} of every interface, reachable from other machines`,
      `Bind it to loopback: "127.0.0.1:${p.published ?? ''}${p.published === null ? '' : ':'}${p.target}".`
    )
  })
  const mode = spec.host.networkMode
  if (mode === 'host')
    add(
      'network-mode',
      'high',
      ['network_mode'],
      "uses the host's network stack: it can bind any host port and reach every host-local service",
      'Use the project networks and published ports on 127.0.0.1.'
    )
  else if (mode?.startsWith('container:') === true)
    add(
      'network-mode',
      'medium',
      ['network_mode'],
      `joins the network namespace of container ${mode.slice(10)}, which is not part of this project`,
      'Use the project networks.'
    )
  else if (mode?.startsWith('service:') === true)
    add(
      'network-mode',
      'medium',
      ['network_mode'],
      `shares the network namespace of service ${mode.slice(8)}`,
      'Use the project networks unless the two must share localhost.'
    )
  if (spec.host.privileged === true)
    add(
      'privileged',
      'critical',
      ['privileged'],
      'runs privileged: every capability and every host device, no confinement',
      'Remove `privileged`; add only the capabilities it needs.'
    )
  if (spec.host.pid === 'host')
    add(
      'host-pid',
      'critical',
      ['pid'],
      "shares the host's process namespace: it sees, and may signal, every host process",
      'Remove `pid: host`.'
    )
  if (spec.host.ipc === 'host')
    add(
      'host-ipc',
      'high',
      ['ipc'],
      "shares the host's IPC namespace (shared memory of host processes)",
      'Remove `ipc: host`.'
    )
  ;(spec.host.capAdd ?? []).forEach((cap, i) => {
    const name = cap.toUpperCase().replace(/^CAP_/, '')
    if (!DANGEROUS_CAPS.has(name)) return
    add(
      'capability',
      CRITICAL_CAPS.has(name) ? 'critical' : 'high',
      ['cap_add', i],
      `adds capability ${name}, which reaches the host`,
      'Drop it unless the service cannot work without it.'
    )
  })
  ;(spec.host.devices ?? []).forEach((d, i) => {
    add(
      'device',
      'high',
      ['devices', i],
      `gets host device ${d.split(':')[0] ?? d}`,
      'Remove the device unless the service needs that hardware.'
    )
  })
  ;(spec.hardening.securityOpt ?? []).forEach((opt, i) => {
    if (/^(seccomp|apparmor)[=:]unconfined$/.test(opt) || /^label[=:]disable$/.test(opt)) {
      add(
        'privileged',
        'high',
        ['security_opt', i],
        `turns off confinement: security_opt "${opt}"`,
        'Remove it; the default profile is what keeps the container in.'
      )
    }
  })
}

/** Networks of the service that are not the project's own: the host's, or an external one. */
function networkFindings(project: ComposeProject, spec: ServiceSpec, add: FindingContext['add']): void {
  for (const { name: key } of spec.networks) {
    const net = project.networks.get(key)
    if (net === undefined) continue
    if (['host', 'bridge', 'none'].includes(net.name) || net.name.startsWith('container:')) {
      add(
        'network-mode',
        net.name === 'host' ? 'high' : 'medium',
        ['networks'],
        `joins the engine's "${net.name}" network (network "${key}")`,
        'Use a network of the project.'
      )
    } else if (net.external) {
      add(
        'network-mode',
        'medium',
        ['networks'],
        `joins the external network "${net.name}", shared with containers outside this project`,
        'Use a network of the project unless it must reach those containers.'
      )
    }
  }
}

type Place = 'inside' | 'root' | 'system' | 'home' | 'outside'

/** Where a host path is, seen from the project: its folder, the root, a system or home directory, or elsewhere. */
function classifyPath(path: string, ctx: Pick<FindingContext, 'projectDir' | 'home'>): Place {
  if (path === '/') return 'root'
  if (ctx.projectDir !== '/' && isWithin(path, ctx.projectDir)) return 'inside'
  if (ctx.home !== '/' && (isWithin(path, ctx.home) || isWithin(ctx.home, path))) return 'home'
  if (SYSTEM_DIRS.some((dir) => isWithin(path, dir))) return 'system'
  return 'outside'
}

function isWithin(path: string, dir: string): boolean {
  const rel = relative(dir, path)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}

/** The path with symlinks resolved (a link in the project folder to / is /); as given when it does not exist. */
function real(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    try {
      return `${realpathSync(dirname(path))}${sep}${path.split(sep).at(-1) ?? ''}`
    } catch {
      return path
    }
  }
}
