import { z } from 'zod'
import { PanelErrorSchema } from './panel-error'

/** Where the panel looked for the Docker engine and what it found there. */
/** The most containers of one service the panel runs: what `scale` accepts and what a compose file may ask for. */
export const MAX_REPLICAS = 32

export const EngineConnectivitySchema = z.object({
  state: z.enum(['connected', 'unreachable', 'reconnecting']),
  /** The socket or URL the panel talks to, e.g. `unix:///var/run/docker.sock`. */
  endpoint: z.string(),
  /** Engine version when connected. */
  version: z.string().nullable(),
  /** Plain words for a person, e.g. "No Docker engine answers at unix:///var/run/docker.sock". */
  message: z.string(),
  hint: z.string().nullable(),
  /** ISO time the state last changed. */
  since: z.string()
})
export type EngineConnectivity = z.infer<typeof EngineConnectivitySchema>

export const ContainerStateSchema = z.enum(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'])
export type ContainerState = z.infer<typeof ContainerStateSchema>

/** 'none' when the service declares no healthcheck. */
export const HealthSchema = z.enum(['healthy', 'unhealthy', 'starting', 'none'])
export type Health = z.infer<typeof HealthSchema>

export const PortBindingSchema = z.object({
  containerPort: z.number().int(),
  protocol: z.enum(['tcp', 'udp', 'sctp']),
  hostIp: z.string().nullable(),
  hostPort: z.number().int().nullable()
})
export type PortBinding = z.infer<typeof PortBindingSchema>

export const SwarmTaskStatusSchema = z.object({
  /** The node's hostname; null while unassigned. */
  node: z.string().nullable(),
  /** The task's state (new … running, complete, failed, shutdown, rejected) and the state swarm wants. */
  state: z.string(),
  desiredState: z.string(),
  error: z.string().nullable()
})
export type SwarmTaskStatus = z.infer<typeof SwarmTaskStatusSchema>

export const ContainerStatusSchema = z.object({
  id: z.string(),
  /** `<project>_<service>_<n>`, as docker-compose v1 names it. */
  name: z.string(),
  service: z.string(),
  /** com.docker.compose.container-number */
  number: z.number().int(),
  image: z.string(),
  state: ContainerStateSchema,
  health: HealthSchema,
  /** ISO time the container last started; null if it never ran. */
  startedAt: z.string().nullable(),
  /** Milliseconds running, null when not running. */
  uptimeMs: z.number().nullable(),
  exitCode: z.number().int().nullable(),
  restarts: z.number().int(),
  ports: z.array(PortBindingSchema),
  /** False when the container was made from a different version of the service's config. */
  upToDate: z.boolean(),
  /** On a swarm: the replica's task (the row is a task, its id the task's). Absent with Compose. */
  task: SwarmTaskStatusSchema.optional()
})
export type ContainerStatus = z.infer<typeof ContainerStatusSchema>

/**
 * 'up': every desired replica running and healthy; 'starting': running, health pending;
 * 'degraded': fewer running/healthy than desired; 'down': none running and some desired;
 * 'stopped': none desired (replicas 0) and none running.
 */
export const ServiceStateSchema = z.enum(['up', 'starting', 'degraded', 'down', 'stopped'])
export type ServiceState = z.infer<typeof ServiceStateSchema>

export const ServiceStatusSchema = z.object({
  name: z.string(),
  image: z.string(),
  desiredReplicas: z.number().int(),
  runningReplicas: z.number().int(),
  healthyReplicas: z.number().int(),
  hasHealthcheck: z.boolean(),
  state: ServiceStateSchema,
  /** Ordered by container number. */
  containers: z.array(ContainerStatusSchema)
})
export type ServiceStatus = z.infer<typeof ServiceStatusSchema>

/** How the panel drives the stack: containers on one engine (Compose's way) or a stack on a swarm. */
export const DeckModeSchema = z.enum(['compose', 'swarm'])
export type DeckMode = z.infer<typeof DeckModeSchema>

/** What the stack's driver can do beyond up/down/scale/start/stop/restart. */
export const DriverCapabilitiesSchema = z.object({
  /** `updateService`: a rolling update to the service's rebuilt image (otherwise up recreates). */
  rollingUpdate: z.boolean()
})
export type DriverCapabilities = z.infer<typeof DriverCapabilitiesSchema>

export const StackStatusSchema = z.object({
  project: z.string(),
  driver: z.object({ mode: DeckModeSchema, capabilities: DriverCapabilitiesSchema }),
  composeFile: z.string(),
  engine: EngineConnectivitySchema,
  /** Set when compose.yaml cannot be loaded; services then lists only what runs. */
  composeError: PanelErrorSchema.nullable(),
  services: z.array(ServiceStatusSchema),
  /** Containers labelled with our project but a service compose.yaml does not declare. */
  orphans: z.array(ContainerStatusSchema),
  /** ISO time this snapshot was taken. */
  updatedAt: z.string()
})
export type StackStatus = z.infer<typeof StackStatusSchema>
