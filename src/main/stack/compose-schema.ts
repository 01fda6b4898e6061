/**
 * The subset of the Compose file format the panel implements, as zod schemas over the
 * parsed (and interpolated) YAML. Objects are strict, so a key we do not implement is an
 * error naming that key rather than something silently ignored.
 */
import { z } from 'zod'
import { MAX_REPLICAS } from '../../shared/stack-status'

const DURATION = /^(\d+(\.\d+)?(us|ms|s|m|h))+$/
const DurationSchema = z.string().regex(DURATION, 'a duration is like "10s", "1m30s" or "500ms"')

const StringOrList = z.union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' })
const Scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' })

const MapOrList = (what: string) =>
  z.union([z.record(z.string(), Scalar.nullable()), z.array(z.string())], {
    error: `${what} is a map of NAME: value or a list of "NAME=value"`
  })

const PortSchema = z.union(
  [
    z.string(),
    z.number().int(),
    z.strictObject({
      target: z.number().int(),
      published: z.union([z.number().int(), z.string()]).optional(),
      protocol: z.enum(['tcp', 'udp', 'sctp']).optional(),
      host_ip: z.string().optional(),
      mode: z.literal('host').optional()
    })
  ],
  { error: 'a port is "[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]" or a map with target, published, host_ip' }
)

const VolumeMountSchema = z.union(
  [
    z.string(),
    z.strictObject({
      type: z.enum(['volume', 'bind']),
      source: z.string().optional(),
      target: z.string(),
      read_only: z.boolean().optional()
    })
  ],
  { error: 'a volume is "SOURCE:TARGET[:ro]" or a map with type, source, target' }
)

const HealthcheckSchema = z.strictObject({
  test: StringOrList.optional(),
  interval: DurationSchema.optional(),
  timeout: DurationSchema.optional(),
  retries: z.number().int().min(0).optional(),
  start_period: DurationSchema.optional(),
  disable: z.boolean().optional()
})

const DependsOnSchema = z.union(
  [
    z.array(z.string()),
    z.record(
      z.string(),
      z.strictObject({
        condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']).optional()
      })
    )
  ],
  {
    error:
      'depends_on is a list of services or a map of service: { condition: service_started|service_healthy|service_completed_successfully }'
  }
)

const ServiceNetworksSchema = z.union(
  [z.array(z.string()), z.record(z.string(), z.strictObject({ aliases: z.array(z.string()).optional() }).nullable())],
  { error: 'networks is a list of network names or a map of name: { aliases: [...] }' }
)

const BuildSchema = z.union(
  [
    z.string(),
    z.strictObject({
      context: z.string().optional(),
      dockerfile: z.string().optional(),
      args: MapOrList('build.args').optional(),
      target: z.string().optional()
    })
  ],
  { error: 'build is a context path or a map with context, dockerfile, args, target' }
)

const RestartSchema = z
  .string()
  .regex(
    /^(no|always|unless-stopped|on-failure(:\d+)?)$/,
    'restart is "no", "always", "unless-stopped" or "on-failure[:N]"'
  )

const MemorySchema = z.union([z.number().int().min(0), z.string().regex(/^\d+(\.\d+)?\s*([bkmg]b?)?$/i)], {
  error: 'a memory size is bytes or like "512m", "1g"'
})
const ReplicasSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_REPLICAS, `at most ${MAX_REPLICAS} replicas of a service (the panel's limit)`)
const CpusSchema = z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)], {
  error: 'cpus is a number like 0.5 or "1.5"'
})
const ResourceLimitsSchema = z.strictObject({ memory: MemorySchema.optional(), cpus: CpusSchema.optional() })
/** `deploy.update_config`: how a swarm rolls a service to a new spec (the compose driver has no rolling update). */
const UpdateConfigSchema = z.strictObject({
  parallelism: z.number().int().min(0, 'parallelism is 0 (all at once) or more tasks at a time').optional(),
  delay: DurationSchema.optional(),
  order: z.enum(['stop-first', 'start-first']).optional(),
  failure_action: z.enum(['continue', 'rollback', 'pause']).optional(),
  monitor: DurationSchema.optional(),
  max_failure_ratio: z.number().min(0).max(1, 'max_failure_ratio is a fraction from 0 to 1').optional()
})

/** Keys that reach the host (host-access.ts names every use of them before up). */
const HostKeys = {
  network_mode: z
    .string()
    .regex(
      /^(host|none|bridge|container:.+|service:.+)$/,
      'network_mode is "host", "none", "bridge", "container:NAME" or "service:NAME"'
    )
    .optional(),
  privileged: z.boolean().optional(),
  pid: z.literal('host', { error: 'pid: only "host" is supported' }).optional(),
  ipc: z
    .enum(['host', 'private', 'shareable', 'none'], { error: 'ipc is "host", "private", "shareable" or "none"' })
    .optional(),
  cap_add: z.array(z.string()).optional(),
  devices: z.array(z.string()).optional()
}

/** Keys that take power away from a container. */
const HardeningKeys = {
  cap_drop: z.array(z.string()).optional(),
  read_only: z.boolean().optional(),
  tmpfs: StringOrList.optional(),
  security_opt: z.array(z.string()).optional(),
  mem_limit: MemorySchema.optional(),
  cpus: CpusSchema.optional(),
  pids_limit: z.number().int().optional()
}

const ServiceSchema = z.strictObject({
  image: z.string().min(1).optional(),
  build: BuildSchema.optional(),
  command: StringOrList.nullable().optional(),
  entrypoint: StringOrList.nullable().optional(),
  environment: MapOrList('environment').optional(),
  env_file: StringOrList.optional(),
  ports: z.array(PortSchema).optional(),
  volumes: z.array(VolumeMountSchema).optional(),
  networks: ServiceNetworksSchema.optional(),
  healthcheck: HealthcheckSchema.optional(),
  depends_on: DependsOnSchema.optional(),
  deploy: z
    .strictObject({
      replicas: ReplicasSchema.optional(),
      mode: z.literal('replicated').optional(),
      resources: z.strictObject({ limits: ResourceLimitsSchema.optional() }).optional(),
      update_config: UpdateConfigSchema.optional()
    })
    .optional(),
  scale: ReplicasSchema.optional(),
  labels: MapOrList('labels').optional(),
  restart: RestartSchema.optional(),
  stop_grace_period: DurationSchema.optional(),
  stop_signal: z.string().optional(),
  working_dir: z.string().optional(),
  user: z.string().optional(),
  hostname: z.string().optional(),
  init: z.boolean().optional(),
  tty: z.boolean().optional(),
  ...HostKeys,
  ...HardeningKeys
})
export type RawService = z.infer<typeof ServiceSchema>

const ResourceSchema = z
  .strictObject({
    name: z.string().optional(),
    external: z.boolean().optional(),
    driver: z.string().optional(),
    labels: MapOrList('labels').optional()
  })
  .nullable()

export const ComposeFileSchema = z.strictObject({
  version: z.union([z.string(), z.number()]).optional(),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a project name is lowercase letters, digits, "_" and "-"')
    .optional(),
  services: z.record(
    z.string().regex(/^[a-zA-Z0-9._-]+$/, 'a service name is letters, digits, ".", "_" or "-"'),
    ServiceSchema
  ),
  networks: z.record(z.string(), ResourceSchema).optional(),
  volumes: z.record(z.string(), ResourceSchema).optional()
})
export type RawComposeFile = z.infer<typeof ComposeFileSchema>

/** Compose keys that are valid Compose but that the panel does not implement (yet). */
export const KNOWN_UNSUPPORTED_KEYS = new Set([
  'secrets',
  'configs',
  'extends',
  'profiles',
  'container_name',
  'links',
  'external_links',
  'volumes_from',
  'dns',
  'extra_hosts',
  'logging',
  'ulimits',
  'sysctls',
  'shm_size',
  'placement',
  'reservations',
  'restart_policy',
  'rollback_config',
  'endpoint_mode',
  'platform',
  'expose',
  'domainname',
  'mac_address',
  'stdin_open',
  'isolation',
  'runtime',
  'userns_mode',
  'ipam',
  'driver_opts',
  'attachable',
  'internal',
  'enable_ipv6',
  'ipv4_address',
  'ipv6_address',
  'priority',
  'cache_from',
  'network',
  'shm_size',
  'labels_from',
  'credential_spec',
  'group_add',
  'oom_score_adj'
])
