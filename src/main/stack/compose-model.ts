/**
 * The compose project after loading: interpolated, validated and normalized into the one
 * shape the orchestrator works with. Field shapes follow docker-compose v1.29's normalized
 * service dict where that matters for the config hash (see compose-hash.ts).
 */
import type { ComposeFlavour } from './compose-labels'

export interface PortSpec {
  target: number
  published: number | null
  protocol: 'tcp' | 'udp' | 'sctp' | null
  hostIp: string | null
  /** The variable the published port is written with (`${RABBITMQ_PORT:-5672}`), for messages saying how to move it. */
  publishedVariable: string | null
}

export type VolumeMount =
  | { type: 'volume'; /** key under top-level volumes */ name: string; target: string; readOnly: boolean }
  | { type: 'bind'; /** absolute host path */ source: string; target: string; readOnly: boolean }
  | { type: 'anonymous'; target: string; readOnly: boolean }

export interface HealthcheckSpec {
  /** As written (string or list), for the config hash. */
  test: string | string[]
  intervalNs: number | null
  timeoutNs: number | null
  retries: number | null
  startPeriodNs: number | null
}

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully'

export interface BuildSpec {
  /** Absolute path. */
  context: string
  dockerfile: string | null
  args: Record<string, string>
  target: string | null
}

export interface ServiceSpec {
  name: string
  /** The image to run: `image:` or, for build-only services, `<project>-<service>` (v1: `_`). */
  image: string
  /** Whether `image:` was written (it changes the config hash and what up may pull). */
  imageDeclared: boolean
  build: BuildSpec | null
  /** As written, for the hash; `commandArgv` is what the container gets. */
  command: string | string[] | null
  commandArgv: string[] | null
  entrypoint: string | string[] | null
  entrypointArgv: string[] | null
  environment: Record<string, string>
  ports: PortSpec[]
  volumes: VolumeMount[]
  /** Keys under top-level networks, with aliases. Ordered as compose picks the primary first. */
  networks: { name: string; aliases: string[] }[]
  healthcheck: HealthcheckSpec | null
  /** True when `healthcheck: { disable: true }`. */
  healthcheckDisabled: boolean
  dependsOn: Record<string, DependencyCondition>
  replicas: number
  /** `deploy:` as written (without replicas), null when absent: Compose v2 hashes its presence. */
  deploy: { mode: string | null } | null
  /** `deploy.update_config`, null when absent: how the swarm driver rolls the service to a new spec. */
  updateConfig: UpdateConfigSpec | null
  labels: Record<string, string>
  restart: { Name: string; MaximumRetryCount: number } | null
  /** As written ("20s"); `stopGraceSeconds` is what stop uses. */
  stopGracePeriod: string | null
  stopGraceSeconds: number
  stopSignal: string | null
  workingDir: string | null
  user: string | null
  hostname: string | null
  init: boolean | null
  tty: boolean | null
  /** Env files as absolute paths (their contents are in `environment`; the pre-flight checks where they are). */
  envFiles: string[]
  host: HostSettings
  hardening: HardeningSettings
}

/** `deploy.update_config` with durations in nanoseconds; null where not written (the engine's default holds). */
export interface UpdateConfigSpec {
  parallelism: number | null
  delayNs: number | null
  order: 'stop-first' | 'start-first' | null
  failureAction: 'continue' | 'rollback' | 'pause' | null
  monitorNs: number | null
  maxFailureRatio: number | null
}

/** Keys that reach the host; null or empty when not written. */
export interface HostSettings {
  /** "host", "none", "bridge", "container:NAME" or "service:NAME". */
  networkMode: string | null
  privileged: boolean | null
  pid: 'host' | null
  ipc: string | null
  capAdd: string[] | null
  /** As written: "HOST[:CONTAINER[:PERMISSIONS]]". */
  devices: string[] | null
}

/** Keys that take power away from a container; null when not written. */
export interface HardeningSettings {
  capDrop: string[] | null
  readOnly: boolean | null
  /** "PATH[:OPTIONS]" entries. */
  tmpfs: string[] | null
  securityOpt: string[] | null
  /** `mem_limit` and `cpus` as written, for the hashes. */
  memLimit: string | number | null
  cpus: number | null
  /** `deploy.resources.limits` as written, for the hashes; null when there is none. */
  deployLimits: { memory: string | number | null; cpus: number | null } | null
  /** What the engine gets: deploy.resources.limits win over mem_limit and cpus, as in Compose. */
  memoryBytes: number | null
  nanoCpus: number | null
  pidsLimit: number | null
}

export interface NetworkSpec {
  key: string
  /** The engine's name: `<project>_<key>` unless `name:` or external. */
  name: string
  external: boolean
  driver: string | null
  labels: Record<string, string>
}

export interface VolumeSpec {
  key: string
  name: string
  external: boolean
  driver: string | null
  labels: Record<string, string>
}

export interface ComposeProject {
  project: string
  /** Which Compose new containers imitate (DECK_COMPOSE_COMPAT); existing ones are judged as their maker would. */
  writeAs: ComposeFlavour
  /** Absolute path of the compose file. */
  file: string
  /** Directory relative paths resolve against. */
  workingDir: string
  services: Map<string, ServiceSpec>
  networks: Map<string, NetworkSpec>
  volumes: Map<string, VolumeSpec>
  source: ComposeSource
}

/** The file the project was read from, for messages that point into it. */
export interface ComposeSource {
  /** sha256 of the file's text. */
  sha256: string
  /** The 1-based line of a key path (e.g. ["services", "api", "ports", 0]), or null. */
  lineOf(path: readonly (string | number)[]): number | null
}
