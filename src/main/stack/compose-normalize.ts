/** Turns a schema-valid compose file into the normalized ComposeProject the orchestrator uses. */
import { homedir } from 'node:os'
import { dirname, isAbsolute, resolve } from 'node:path'
import type { RawComposeFile, RawService } from './compose-schema'
import type {
  BuildSpec,
  ComposeProject,
  ComposeSource,
  HardeningSettings,
  HostSettings,
  DependencyCondition,
  HealthcheckSpec,
  NetworkSpec,
  PortSpec,
  ServiceSpec,
  UpdateConfigSpec,
  VolumeMount,
  VolumeSpec
} from './compose-model'
import { durationToNs, memoryToBytes, parsePort, splitCommand } from './compose-values'
import { readEnvFile } from './env-file'
import type { IssueAt } from './compose-error'
import { defaultImageName } from './compose-labels'
import type { ComposeFlavour } from './compose-labels'

type At = IssueAt

interface Context {
  project: string
  writeAs: ComposeFlavour
  /** The file's tree before interpolation: which variable a value was written with. */
  written: Record<string, unknown>
  file: string
  env: Readonly<Record<string, string | undefined>>
  source: ComposeSource
}

type RawResource =
  { name?: string | null; external?: boolean | null; driver?: string | null; labels?: unknown } | null | undefined

/** Top-level networks and volumes read alike: the engine's name is `<project>_<key>` unless named or external. */
function normalizeResources(
  raw: Record<string, RawResource> | null | undefined,
  project: string
): Map<string, NetworkSpec & VolumeSpec> {
  const out = new Map<string, NetworkSpec & VolumeSpec>()
  for (const [key, def] of Object.entries(raw ?? {})) {
    out.set(key, {
      key,
      name: def?.name ?? (def?.external === true ? key : `${project}_${key}`),
      external: def?.external ?? false,
      driver: def?.driver ?? null,
      labels: toStringMap(def?.labels as Parameters<typeof toStringMap>[0])
    })
  }
  return out
}

export function normalizeProject(raw: RawComposeFile, ctx: Context, at: At): ComposeProject {
  const dir = dirname(ctx.file)
  const networks: Map<string, NetworkSpec> = normalizeResources(raw.networks, ctx.project)
  if (!networks.has('default')) {
    networks.set('default', {
      key: 'default',
      name: `${ctx.project}_default`,
      external: false,
      driver: null,
      labels: {}
    })
  }
  const volumes: Map<string, VolumeSpec> = normalizeResources(raw.volumes, ctx.project)

  const services = new Map<string, ServiceSpec>()
  for (const [name, svc] of Object.entries(raw.services)) {
    services.set(
      name,
      normalizeService(name, svc, { ...ctx, dir, networks, volumes }, (p, m, o) => at(['services', name, ...p], m, o))
    )
  }
  for (const [name, svc] of services) {
    for (const dep of Object.keys(svc.dependsOn)) {
      if (!services.has(dep))
        at(['services', name, 'depends_on'], `depends on "${dep}", which is not a service in this file`)
    }
  }
  for (const [name, svc] of services) {
    const shared =
      svc.host.networkMode?.startsWith('service:') === true ? svc.host.networkMode.slice('service:'.length) : null
    if (shared === null) continue
    if (!services.has(shared)) at(['services', name, 'network_mode'], `"${shared}" is not a service in this file`)
    // Compose adds the dependency itself; the panel asks for it in writing so the start order is visible.
    else if (svc.dependsOn[shared] === undefined)
      at(['services', name, 'network_mode'], `uses the network of "${shared}": add "${shared}" to depends_on`)
  }
  const cycle = findCycle(services)
  if (cycle !== null) at(['services', cycle[0] ?? '', 'depends_on'], `dependency cycle: ${cycle.join(' → ')}`)

  // Only networks some service uses are part of the stack (the implicit default in particular).
  const used = new Set([...services.values()].flatMap((s) => s.networks.map((n) => n.name)))
  if (!used.has('default')) networks.delete('default')
  return {
    project: ctx.project,
    writeAs: ctx.writeAs,
    file: ctx.file,
    workingDir: dir,
    services,
    networks,
    volumes,
    source: ctx.source
  }
}

interface ServiceContext extends Context {
  dir: string
  networks: Map<string, NetworkSpec>
  volumes: Map<string, VolumeSpec>
}

function normalizeService(name: string, svc: RawService, ctx: ServiceContext, at: At): ServiceSpec {
  if (svc.image === undefined && svc.build === undefined) at([], 'needs an `image:` or a `build:`')
  if (svc.deploy?.replicas !== undefined && svc.scale !== undefined)
    at(['scale'], 'both `scale` and `deploy.replicas` are set; keep one')

  const labels = toStringMap(svc.labels)
  for (const key of Object.keys(labels)) {
    if (key.startsWith('com.docker.compose.')) at(['labels'], `label "${key}" is reserved for Compose`)
  }

  return {
    name,
    image: svc.image ?? defaultImageName(ctx.writeAs, ctx.project, name),
    imageDeclared: svc.image !== undefined,
    build: svc.build === undefined ? null : normalizeBuild(svc.build, ctx.dir),
    command: svc.command ?? null,
    commandArgv: argv(svc.command, ['command'], at),
    entrypoint: svc.entrypoint ?? null,
    entrypointArgv: argv(svc.entrypoint, ['entrypoint'], at),
    environment: normalizeEnvironment(svc, ctx, at),
    ports: (svc.ports ?? []).flatMap((p, i): PortSpec[] => {
      const publishedVariable = portVariable(ctx.written, name, i)
      try {
        if (typeof p === 'number') return [{ ...parsePort(String(p)), publishedVariable }]
        if (typeof p === 'string') return [{ ...parsePort(p), publishedVariable }]
        const published = p.published === undefined ? null : Number(p.published)
        if (published !== null && !Number.isInteger(published))
          throw new Error(`published "${p.published}" is not a port number`)
        return [
          { target: p.target, published, protocol: p.protocol ?? null, hostIp: p.host_ip ?? null, publishedVariable }
        ]
      } catch (err) {
        at(['ports', i], (err as Error).message)
        return []
      }
    }),
    volumes: (svc.volumes ?? []).flatMap((v, i) => normalizeVolume(v, ctx, (m, o) => at(['volumes', i], m, o))),
    networks: normalizeNetworks(svc, ctx, at),
    healthcheck: normalizeHealthcheck(svc, at),
    healthcheckDisabled: svc.healthcheck?.disable === true,
    dependsOn: normalizeDependsOn(svc),
    replicas: svc.deploy?.replicas ?? svc.scale ?? 1,
    deploy: svc.deploy === undefined ? null : { mode: svc.deploy.mode ?? null },
    updateConfig: normalizeUpdateConfig(svc.deploy?.update_config),
    labels,
    restart: normalizeRestart(svc.restart),
    stopGracePeriod: svc.stop_grace_period ?? null,
    stopGraceSeconds: svc.stop_grace_period === undefined ? 10 : Math.ceil(durationToNs(svc.stop_grace_period) / 1e9),
    stopSignal: svc.stop_signal ?? null,
    workingDir: svc.working_dir ?? null,
    user: svc.user ?? null,
    hostname: svc.hostname ?? null,
    init: svc.init ?? null,
    tty: svc.tty ?? null,
    envFiles: envFileList(svc).map((f) => resolve(ctx.dir, f)),
    host: normalizeHostSettings(svc, at),
    hardening: normalizeHardening(svc, at)
  }
}

function envFileList(svc: RawService): string[] {
  return svc.env_file === undefined ? [] : Array.isArray(svc.env_file) ? svc.env_file : [svc.env_file]
}

function normalizeHostSettings(svc: RawService, at: At): HostSettings {
  if (svc.network_mode !== undefined && svc.networks !== undefined)
    at(['network_mode'], '`network_mode` and `networks` cannot be combined')
  ;(svc.devices ?? []).forEach((d, i) => {
    const parts = d.split(':')
    if (parts.length > 3 || !parts.every((p) => p !== ''))
      at(['devices', i], `"${d}" is not HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]]`)
  })
  return {
    networkMode: svc.network_mode ?? null,
    privileged: svc.privileged ?? null,
    pid: svc.pid ?? null,
    ipc: svc.ipc ?? null,
    capAdd: svc.cap_add ?? null,
    devices: svc.devices ?? null
  }
}

function normalizeHardening(svc: RawService, at: At): HardeningSettings {
  const limits = svc.deploy?.resources?.limits
  const deployLimits =
    limits === undefined
      ? null
      : { memory: limits.memory ?? null, cpus: limits.cpus === undefined ? null : Number(limits.cpus) }
  const memory = deployLimits?.memory ?? svc.mem_limit ?? null
  const cpus = deployLimits?.cpus ?? (svc.cpus === undefined ? null : Number(svc.cpus))
  ;(svc.security_opt ?? []).forEach((opt, i) => {
    if (opt !== 'no-new-privileges' && !/^[a-z-]+[=:].+$/.test(opt))
      at(['security_opt', i], `"${opt}" is not KEY:VALUE (e.g. "no-new-privileges:true")`)
    else if (/^seccomp[=:]/.test(opt) && !/^seccomp[=:]unconfined$/.test(opt))
      at(['security_opt', i], 'a seccomp profile file is not supported by the panel', { unsupported: true })
  })
  return {
    capDrop: svc.cap_drop ?? null,
    readOnly: svc.read_only ?? null,
    tmpfs: svc.tmpfs === undefined ? null : Array.isArray(svc.tmpfs) ? svc.tmpfs : [svc.tmpfs],
    securityOpt: svc.security_opt ?? null,
    memLimit: svc.mem_limit ?? null,
    cpus: svc.cpus === undefined ? null : Number(svc.cpus),
    deployLimits,
    memoryBytes: memory === null ? null : memoryToBytes(memory),
    nanoCpus: cpus === null ? null : Math.round(cpus * 1e9),
    pidsLimit: svc.pids_limit ?? null
  }
}

/** The variable in the published part of a port as written: "127.0.0.1:${API_PORT:-8080}:8080" → API_PORT. */
function portVariable(written: Record<string, unknown>, service: string, index: number): string | null {
  const services = written['services'] as Record<string, { ports?: unknown[] } | undefined> | undefined
  const entry = services?.[service]?.ports?.[index]
  const text =
    typeof entry === 'string'
      ? entry.replace(/:[^:]*$/, '')
      : entry !== null && typeof entry === 'object'
        ? (entry as Record<string, unknown>)['published']
        : undefined
  if (typeof text !== 'string') return null
  return /\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(text)?.[1] ?? null
}

function argv(value: string | string[] | null | undefined, path: (string | number)[], at: At): string[] | null {
  if (value === undefined || value === null) return null
  if (Array.isArray(value)) return value
  try {
    return splitCommand(value)
  } catch (err) {
    at(path, (err as Error).message)
    return null
  }
}

function normalizeBuild(build: NonNullable<RawService['build']>, dir: string): BuildSpec {
  if (typeof build === 'string') return { context: resolve(dir, build), dockerfile: null, args: {}, target: null }
  return {
    context: resolve(dir, build.context ?? '.'),
    dockerfile: build.dockerfile ?? null,
    args: toStringMap(build.args),
    target: build.target ?? null
  }
}

/** The container's environment: the env files' values, then the `environment:` key's over them. */
function normalizeEnvironment(svc: RawService, ctx: ServiceContext, at: At): Record<string, string> {
  const env: Record<string, string> = {}
  envFileList(svc).forEach((f, i) => {
    try {
      Object.assign(env, readEnvFile(resolve(ctx.dir, f), { optional: false }))
    } catch (err) {
      at(
        Array.isArray(svc.env_file) ? ['env_file', i] : ['env_file'],
        `cannot read env file ${resolve(ctx.dir, f)}: ${(err as Error).message}`
      )
    }
  })
  return { ...env, ...declaredEnvironment(svc, ctx) }
}

/** The `environment:` key alone, a bare name taking its value from the shell (Compose v2 hashes it apart from env files). */
function declaredEnvironment(svc: RawService, ctx: ServiceContext): Record<string, string> {
  const env: Record<string, string> = {}
  const declared = svc.environment
  if (Array.isArray(declared)) {
    for (const entry of declared) {
      const eq = entry.indexOf('=')
      if (eq === -1) {
        const fromShell = ctx.env[entry]
        if (fromShell !== undefined) env[entry] = fromShell
      } else env[entry.slice(0, eq)] = entry.slice(eq + 1)
    }
  } else if (declared !== undefined) {
    for (const [key, value] of Object.entries(declared)) {
      if (value === null) {
        const fromShell = ctx.env[key]
        if (fromShell !== undefined) env[key] = fromShell
      } else env[key] = String(value)
    }
  }
  return env
}

function normalizeVolume(
  v: string | { type: 'volume' | 'bind'; source?: string; target: string; read_only?: boolean },
  ctx: ServiceContext,
  at: (message: string, options?: { unsupported?: boolean }) => void
): VolumeMount[] {
  let source: string | undefined
  let target: string
  let readOnly = false
  let type: 'volume' | 'bind' | undefined
  if (typeof v === 'string') {
    const parts = v.split(':')
    if (parts.length > 3) {
      at(`"${v}" is not SOURCE:TARGET[:MODE]`)
      return []
    }
    if (parts.length === 1) return [{ type: 'anonymous', target: parts[0] ?? '', readOnly: false }]
    source = parts[0]
    target = parts[1] ?? ''
    const mode = parts[2]
    if (mode !== undefined && mode !== 'ro' && mode !== 'rw') {
      at(`mode "${mode}" is not supported (use ro or rw)`, { unsupported: true })
      return []
    }
    readOnly = mode === 'ro'
  } else {
    source = v.source
    target = v.target
    readOnly = v.read_only ?? false
    type = v.type
  }
  if (!target.startsWith('/')) {
    at(`the target "${target}" must be an absolute path in the container`)
    return []
  }
  if (source === undefined || source === '') return [{ type: 'anonymous', target, readOnly }]
  const isPath = source.startsWith('.') || source.startsWith('/') || source.startsWith('~')
  if (type === 'bind' || (type === undefined && isPath)) {
    const expanded = source.startsWith('~') ? homedir() + source.slice(1) : source
    return [{ type: 'bind', source: isAbsolute(expanded) ? expanded : resolve(ctx.dir, expanded), target, readOnly }]
  }
  if (!ctx.volumes.has(source)) {
    at(`named volume "${source}" is not declared under the top-level volumes:`)
    return []
  }
  return [{ type: 'volume', name: source, target, readOnly }]
}

function normalizeNetworks(svc: RawService, ctx: ServiceContext, at: At): ServiceSpec['networks'] {
  // A container in another network namespace joins no network of its own.
  if (svc.network_mode !== undefined) return []
  const declared = svc.networks
  const entries: [string, string[]][] =
    declared === undefined
      ? [['default', []]]
      : Array.isArray(declared)
        ? declared.map((n) => [n, []])
        : Object.entries(declared).map(([n, def]) => [n, def?.aliases ?? []])
  const out: ServiceSpec['networks'] = []
  for (const [key, aliases] of entries) {
    if (!ctx.networks.has(key)) at(['networks'], `network "${key}" is not declared under the top-level networks:`)
    else out.push({ name: key, aliases })
  }
  // Compose picks the primary network by name when no priority is set.
  const trueName = (key: string): string => ctx.networks.get(key)?.name ?? key
  return out.sort((a, b) => (trueName(a.name) < trueName(b.name) ? -1 : trueName(a.name) > trueName(b.name) ? 1 : 0))
}

function normalizeHealthcheck(svc: RawService, at: At): HealthcheckSpec | null {
  const hc = svc.healthcheck
  if (hc === undefined || hc.disable === true) return null
  if (hc.test === undefined) {
    at(['healthcheck'], "needs `test:` (the panel does not merge with the image's own healthcheck)")
    return null
  }
  if (Array.isArray(hc.test) && !['CMD', 'CMD-SHELL', 'NONE'].includes(hc.test[0] ?? '')) {
    at(['healthcheck', 'test'], 'a list test starts with "CMD", "CMD-SHELL" or "NONE"')
  }
  return {
    test: hc.test,
    intervalNs: hc.interval === undefined ? null : durationToNs(hc.interval),
    timeoutNs: hc.timeout === undefined ? null : durationToNs(hc.timeout),
    retries: hc.retries ?? null,
    startPeriodNs: hc.start_period === undefined ? null : durationToNs(hc.start_period)
  }
}

function normalizeDependsOn(svc: RawService): Record<string, DependencyCondition> {
  const deps = svc.depends_on
  if (deps === undefined) return {}
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started' as const]))
  return Object.fromEntries(Object.entries(deps).map(([d, def]) => [d, def.condition ?? 'service_started']))
}

function normalizeRestart(restart: string | undefined): ServiceSpec['restart'] {
  if (restart === undefined) return null
  const [name = 'no', count] = restart.split(':')
  return { Name: name, MaximumRetryCount: count === undefined ? 0 : Number(count) }
}

function toStringMap(
  value: Record<string, string | number | boolean | null> | string[] | undefined
): Record<string, string> {
  if (value === undefined) return {}
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((entry) => {
        const eq = entry.indexOf('=')
        return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)]
      })
    )
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? '' : String(v)]))
}

/** A dependency cycle as a list of names (first = last), or null. */
function findCycle(services: Map<string, ServiceSpec>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (name: string): string[] | null => {
    if (state.get(name) === 'done') return null
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name]
    state.set(name, 'visiting')
    stack.push(name)
    for (const dep of Object.keys(services.get(name)?.dependsOn ?? {})) {
      if (!services.has(dep)) continue
      const cycle = visit(dep)
      if (cycle !== null) return cycle
    }
    stack.pop()
    state.set(name, 'done')
    return null
  }
  for (const name of services.keys()) {
    const cycle = visit(name)
    if (cycle !== null) return cycle
  }
  return null
}

function normalizeUpdateConfig(u: NonNullable<RawService['deploy']>['update_config']): UpdateConfigSpec | null {
  if (u === undefined) return null
  return {
    parallelism: u.parallelism ?? null,
    delayNs: u.delay === undefined ? null : durationToNs(u.delay),
    order: u.order ?? null,
    failureAction: u.failure_action ?? null,
    monitorNs: u.monitor === undefined ? null : durationToNs(u.monitor),
    maxFailureRatio: u.max_failure_ratio ?? null
  }
}
