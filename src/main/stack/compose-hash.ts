/**
 * The `com.docker.compose.config-hash` label, computed as docker-compose v1.29 does
 * (compose/service.py `config_dict`, compose/utils.py `json_hash`): sha256 of the service's
 * normalized options plus image id and networks, as sorted compact JSON. Matching it lets
 * `docker-compose up` treat panel-made containers as current, and the panel tell whether a
 * compose-made container runs the current config.
 */
import { createHash } from 'node:crypto'
import type { ComposeProject, ServiceSpec, VolumeMount } from './compose-model'

export function configHash(project: ComposeProject, service: ServiceSpec, imageId: string | null): string {
  return jsonHash(configDict(project, service, imageId))
}

function configDict(project: ComposeProject, service: ServiceSpec, imageId: string | null): Record<string, unknown> {
  const networks: Record<string, Record<string, unknown>> = {}
  for (const n of service.networks) {
    networks[project.networks.get(n.name)?.name ?? n.name] = n.aliases.length > 0 ? { aliases: n.aliases } : {}
  }
  return {
    options: options(project, service),
    image_id: imageId,
    links: [],
    net: networkModeId(service.host.networkMode) ?? Object.keys(networks)[0] ?? 'none',
    ipc_mode: service.host.ipc,
    networks,
    secrets: [],
    volumes_from: []
  }
}

function options(project: ComposeProject, s: ServiceSpec): Record<string, unknown> {
  const o: Record<string, unknown> = { device_requests: null, platform: null }
  if (s.imageDeclared) o['image'] = s.image
  if (s.build !== null) {
    const build: Record<string, unknown> = { context: s.build.context }
    if (s.build.dockerfile !== null) build['dockerfile'] = s.build.dockerfile
    if (Object.keys(s.build.args).length > 0) build['args'] = s.build.args
    if (s.build.target !== null) build['target'] = s.build.target
    o['build'] = build
  }
  if (s.command !== null) o['command'] = s.command
  if (s.entrypoint !== null) o['entrypoint'] = s.entrypoint
  if (Object.keys(s.environment).length > 0) o['environment'] = s.environment
  if (Object.keys(s.dependsOn).length > 0) {
    o['depends_on'] = Object.fromEntries(Object.entries(s.dependsOn).map(([k, condition]) => [k, { condition }]))
  }
  if (s.healthcheckDisabled) o['healthcheck'] = { test: ['NONE'] }
  else if (s.healthcheck !== null) {
    const h: Record<string, unknown> = { test: s.healthcheck.test }
    if (s.healthcheck.intervalNs !== null) h['interval'] = s.healthcheck.intervalNs
    if (s.healthcheck.timeoutNs !== null) h['timeout'] = s.healthcheck.timeoutNs
    if (s.healthcheck.retries !== null) h['retries'] = s.healthcheck.retries
    if (s.healthcheck.startPeriodNs !== null) h['start_period'] = s.healthcheck.startPeriodNs
    o['healthcheck'] = h
  }
  if (Object.keys(s.labels).length > 0) o['labels'] = s.labels
  if (s.ports.length > 0) o['ports'] = s.ports.map((p) => [p.target, p.published, p.protocol, null, p.hostIp])
  if (s.restart !== null) o['restart'] = s.restart
  if (s.stopGracePeriod !== null) o['stop_grace_period'] = s.stopGracePeriod
  if (s.stopSignal !== null) o['stop_signal'] = s.stopSignal
  if (s.workingDir !== null) o['working_dir'] = s.workingDir
  if (s.user !== null) o['user'] = s.user
  if (s.hostname !== null) o['hostname'] = s.hostname
  if (s.init !== null) o['init'] = s.init
  if (s.tty !== null) o['tty'] = s.tty
  o['volumes'] = s.volumes.map((v) => volumeRepr(project, v))
  return { ...o, ...hostAndHardeningOptions(s) }
}

/** compose's NetworkMode.id: the mode, or the service name of "service:x" (a "container:x" keeps its name here, not its id). */
function networkModeId(mode: string | null): string | null {
  if (mode === null) return null
  return mode.startsWith('service:') ? mode.slice('service:'.length) : mode
}

/**
 * The host and hardening keys as they sit in compose's options: as written, tmpfs as a list,
 * security_opt as SecurityOpt tuples (value, src_file), deploy.resources.limits as mem_limit
 * and a float cpus. pid, ipc and network_mode are popped from options (ipc and net are above).
 */
function hostAndHardeningOptions(s: ServiceSpec): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  const { host: h, hardening: d } = s
  if (h.privileged !== null) o['privileged'] = h.privileged
  if (h.capAdd !== null) o['cap_add'] = h.capAdd
  if (h.devices !== null) o['devices'] = h.devices
  if (d.capDrop !== null) o['cap_drop'] = d.capDrop
  if (d.readOnly !== null) o['read_only'] = d.readOnly
  if (d.tmpfs !== null) o['tmpfs'] = d.tmpfs
  if (d.securityOpt !== null) o['security_opt'] = d.securityOpt.map((v) => [v, null])
  // compose v1.29 translates deploy.resources.limits: memory replaces mem_limit (null when absent), cpus becomes a float.
  if (d.deployLimits !== null) o['mem_limit'] = d.deployLimits.memory
  else if (d.memLimit !== null) o['mem_limit'] = d.memLimit
  if (d.deployLimits?.cpus != null) o['cpus'] = new PythonFloat(d.deployLimits.cpus)
  else if (d.cpus !== null) o['cpus'] = d.cpus
  if (d.pidsLimit !== null) o['pids_limit'] = d.pidsLimit
  return o
}

/** A number Python holds as a float: `1.0` stays "1.0" in its JSON. */
class PythonFloat {
  constructor(readonly value: number) {}
  toJSON(): string {
    return Number.isInteger(this.value) ? this.value.toFixed(1) : String(this.value)
  }
}

function volumeRepr(project: ComposeProject, v: VolumeMount): [string | null, string, string] {
  const mode = v.readOnly ? 'ro' : 'rw'
  if (v.type === 'volume') return [project.volumes.get(v.name)?.name ?? v.name, v.target, mode]
  if (v.type === 'bind') return [v.source, v.target, mode]
  return [null, v.target, mode]
}

/** Python's `json.dumps(obj, sort_keys=True, separators=(',', ':'))` (ensure_ascii on), then sha256. */
function jsonHash(value: unknown): string {
  const json = pythonJson(value)
  return createHash('sha256').update(json, 'utf8').digest('hex')
}

function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (value instanceof PythonFloat) return value.toJSON()
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${asciiJson(k)}:${pythonJson(v)}`).join(',')}}`
  }
  if (typeof value === 'string') return asciiJson(value)
  return JSON.stringify(value)
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
