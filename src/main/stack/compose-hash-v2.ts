/**
 * The `com.docker.compose.config-hash` label, computed as Docker Compose v2.32 does
 * (pkg/compose/hash.go ServiceHash): sha256 of Go's `json.Marshal` of compose-go v2.4's
 * `types.ServiceConfig` after loading, with build, pull_policy, scale, deploy.replicas,
 * depends_on and profiles removed. Fields appear in the struct's declaration order, maps
 * with sorted keys, empty fields left out (`omitempty`) except `command` and `entrypoint`
 * (always written, null when unset). Unlike v1 the image id is not hashed: v2 compares it
 * through the `com.docker.compose.image` label instead.
 */
import { createHash } from 'node:crypto'
import type { HardeningSettings, ServiceSpec, VolumeMount } from './compose-model'
import { durationToNs, memoryToBytes } from './compose-values'

export function configHashV2(service: ServiceSpec): string {
  return createHash('sha256')
    .update(goJson(serviceConfig(service)), 'utf8')
    .digest('hex')
}

/** A Go map: serialized with its keys sorted bytewise, whatever they look like. */
class GoMap {
  constructor(readonly entries: [string, unknown][]) {}
}

const goMap = (record: Record<string, unknown>): GoMap => new GoMap(Object.entries(record))

/** The service's fields in compose-go's declaration order; undefined = omitted (`omitempty`). */
function serviceConfig(s: ServiceSpec): Record<string, unknown> {
  const networks = new GoMap(s.networks.map((n) => [n.name, n.aliases.length > 0 ? { aliases: n.aliases } : null]))
  const { host: h, hardening: d } = s
  return {
    cap_add: nonEmptyList(h.capAdd),
    cap_drop: nonEmptyList(d.capDrop),
    cpus: d.cpus ?? undefined,
    command: s.commandArgv,
    deploy:
      s.deploy === null && !hasLimits(d)
        ? undefined
        : { mode: s.deploy?.mode ?? undefined, update_config: updateConfig(s), resources: resources(d), placement: {} },
    devices: nonEmptyList(h.devices)?.map(deviceMapping),
    entrypoint: s.entrypointArgv,
    // `up` hashes the env files' values merged into environment, env_file itself discarded
    // (compose-go's WithDiscardEnvFile); `config --hash` keeps them apart and prints another hash.
    environment: nonEmptyMap(s.environment),
    hostname: s.hostname ?? undefined,
    healthcheck: healthcheck(s),
    image: s.imageDeclared ? s.image : undefined,
    init: s.init ?? undefined,
    ipc: h.ipc ?? undefined,
    labels: nonEmptyMap(s.labels),
    mem_limit: d.memLimit === null ? undefined : String(memoryToBytes(d.memLimit)),
    network_mode: h.networkMode ?? undefined,
    networks: s.networks.length > 0 ? networks : undefined,
    pid: h.pid ?? undefined,
    pids_limit: d.pidsLimit ?? undefined,
    ports:
      s.ports.length === 0
        ? undefined
        : s.ports.map((p) => ({
            mode: 'ingress',
            host_ip: p.hostIp ?? undefined,
            target: p.target,
            published: p.published === null ? undefined : String(p.published),
            protocol: p.protocol ?? 'tcp'
          })),
    privileged: h.privileged === true ? true : undefined,
    read_only: d.readOnly === true ? true : undefined,
    restart:
      s.restart === null
        ? undefined
        : s.restart.MaximumRetryCount > 0
          ? `${s.restart.Name}:${s.restart.MaximumRetryCount}`
          : s.restart.Name,
    security_opt: nonEmptyList(d.securityOpt),
    stop_grace_period: s.stopGracePeriod === null ? undefined : goDuration(durationToNs(s.stopGracePeriod)),
    stop_signal: s.stopSignal ?? undefined,
    tmpfs: nonEmptyList(d.tmpfs),
    tty: s.tty === true ? true : undefined,
    user: s.user ?? undefined,
    volumes: s.volumes.length === 0 ? undefined : s.volumes.map(volume),
    working_dir: s.workingDir ?? undefined
  }
}

/** compose-go's UpdateConfig: durations as Go prints them, zero values left out (parallelism is a pointer: 0 stays). */
function updateConfig(s: ServiceSpec): Record<string, unknown> | undefined {
  const u = s.updateConfig
  if (u === null) return undefined
  const ns = (value: number | null): string | undefined =>
    value === null || value === 0 ? undefined : goDuration(value)
  return {
    parallelism: u.parallelism ?? undefined,
    delay: ns(u.delayNs),
    failure_action: u.failureAction ?? undefined,
    monitor: ns(u.monitorNs),
    max_failure_ratio: u.maxFailureRatio === null || u.maxFailureRatio === 0 ? undefined : u.maxFailureRatio,
    order: u.order ?? undefined
  }
}

function healthcheck(s: ServiceSpec): Record<string, unknown> | undefined {
  if (s.healthcheckDisabled) return { disable: true }
  const h = s.healthcheck
  if (h === null) return undefined
  const ns = (value: number | null): string | undefined => (value === null ? undefined : goDuration(value))
  return {
    test: typeof h.test === 'string' ? ['CMD-SHELL', h.test] : h.test,
    timeout: ns(h.timeoutNs),
    interval: ns(h.intervalNs),
    retries: h.retries ?? undefined,
    start_period: ns(h.startPeriodNs)
  }
}

function volume(v: VolumeMount): Record<string, unknown> {
  const readOnly = v.readOnly ? true : undefined
  if (v.type === 'bind')
    return { type: 'bind', source: v.source, target: v.target, read_only: readOnly, bind: { create_host_path: true } }
  // compose-go keeps the key under top-level volumes as the source, not the engine's name.
  return {
    type: 'volume',
    source: v.type === 'volume' ? v.name : undefined,
    target: v.target,
    read_only: readOnly,
    volume: {}
  }
}

/** The host and hardening keys (see hostAndHardeningOptions in compose-hash.ts for v1). */
function nonEmptyList<T>(list: T[] | null): T[] | undefined {
  return list === null || list.length === 0 ? undefined : list
}

function hasLimits(d: HardeningSettings): boolean {
  return d.deployLimits !== null
}

/** deploy.resources as compose-go holds it: limits with cpus a float32 and memory in bytes (a string). */
function resources(d: HardeningSettings): Record<string, unknown> {
  const l = d.deployLimits
  if (l === null) return {}
  return {
    limits: { cpus: l.cpus ?? undefined, memory: l.memory === null ? undefined : String(memoryToBytes(l.memory)) }
  }
}

/** "HOST[:CONTAINER[:PERMISSIONS]]" → compose-go's DeviceMapping. */
function deviceMapping(device: string): Record<string, unknown> {
  const [source, target = source, permissions = 'rwm'] = device.split(':')
  return { source, target, permissions }
}

function nonEmptyMap(record: Record<string, string>): GoMap | undefined {
  return Object.keys(record).length === 0 ? undefined : goMap(record)
}

/** Go's time.Duration.String(): "1h2m3.5s", "1m0s", "20s", "1.5ms", "0s". */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s'
  const sign = ns < 0 ? '-' : ''
  const u = Math.abs(Math.round(ns))
  if (u < 1e3) return `${sign}${u}ns`
  if (u < 1e6) return `${sign}${fraction(u, 3)}µs`
  if (u < 1e9) return `${sign}${fraction(u, 6)}ms`
  const totalSeconds = Math.floor(u / 1e9)
  const seconds = `${totalSeconds % 60}${fractionDigits(u % 1e9, 9)}s`
  if (totalSeconds < 60) return sign + seconds
  const minutes = `${Math.floor(totalSeconds / 60) % 60}m`
  if (totalSeconds < 3600) return sign + minutes + seconds
  return `${sign}${Math.floor(totalSeconds / 3600)}h${minutes}${seconds}`
}

function fraction(value: number, precision: number): string {
  const scale = 10 ** precision
  return `${Math.floor(value / scale)}${fractionDigits(value % scale, precision)}`
}

/** ".5" for 500000000 of 9 digits; "" for 0 (Go drops trailing zeros and a bare point). */
function fractionDigits(value: number, precision: number): string {
  if (value === 0) return ''
  return `.${String(value).padStart(precision, '0').replace(/0+$/, '')}`
}

/** Go's encoding/json: no spaces, HTML-safe escaping, map keys sorted bytewise, omitempty = undefined. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (value instanceof GoMap) {
    const entries = [...value.entries].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    return `{${entries.map(([k, v]) => `${goString(k)}:${goJson(v)}`).join(',')}}`
  }
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    return `{${fields.map(([k, v]) => `${goString(k)}:${goJson(v)}`).join(',')}}`
  }
  if (typeof value === 'string') return goString(value)
  return JSON.stringify(value)
}

const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029'
}

function goString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => HTML_ESCAPES[c] ?? c)
}
