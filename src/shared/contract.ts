/**
 * The panel's one contract: every PanelController operation (request -> response) and every
 * pushed event, as zod schemas with their inferred types. The Electron IPC handlers, the
 * preload bridge, the web shell and the CLI are all derived from these two maps; main
 * validates every request against them because types vanish at the process boundary.
 */
import { CrawlChangesPageSchema, CrawlChangesQuerySchema } from './crawl-changes'
import { z } from 'zod'
import { ListingIdSchema } from './listing'
import { LookupResultSchema } from './lookup'
import { ListingSearchOptionsSchema, ListingSearchResultSchema, MAX_SEARCH_QUERY_LENGTH } from './listing-search'
import { PanelErrorSchema, panelError, resultSchema } from './panel-error'
import type { Result } from './panel-error'
import { EngineConnectivitySchema, MAX_REPLICAS, StackStatusSchema } from './stack-status'
import { PreflightResultSchema } from './host-access'
import { DEFAULT_RPC_TIMEOUT_MS, RpcNameSchema, RpcServiceSchema, rpcPayloadProblem } from './rpc-console'
import { BrokerConnectivitySchema, BrokerMetricsSchema, MetricsSampleSchema } from './broker-metrics'
import {
  CrawlActionSchema,
  CrawlDeleteResponseSchema,
  CrawlDetailSchema,
  CrawlIdSchema,
  CrawlItemsPageSchema,
  CrawlItemsQuerySchema,
  CrawlListResponseSchema,
  CrawlStartRequestSchema,
  CrawlStartResponseSchema,
  CrawlSummarySchema,
  ExportFormatSchema
} from './crawl'
import { HostInfoSchema } from './fleet-stats'
import { LogPageSchema, LogQuerySchema, LogRecordSchema, StackLogParamsSchema } from './log-record'
import {
  HostListResponseSchema,
  SourceDetailSchema,
  SourceEditSchema,
  SourceListResponseSchema,
  SourceNameSchema,
  SourceSpecSchema
} from './source'
import { NotificationSettingsSchema } from './notifications/notification-settings'
import {
  RevealedWatchSchema,
  WATCH_ACTIONS,
  WatchEditSchema,
  WatchIdSchema,
  WatchListResponseSchema,
  WatchSchema,
  WatchSpecSchema
} from './watch'
import {
  DeliveryListResponseSchema,
  RevealedSavedSearchSchema,
  SavedSearchEditSchema,
  SavedSearchListResponseSchema,
  SavedSearchNameSchema,
  SavedSearchSchema,
  SavedSearchSpecSchema
} from './saved-search'
import {
  AutoscaleDecisionSchema,
  AutoscaleSettingsPatchSchema,
  AutoscaleSettingsSchema,
  AutoscaleStateSchema
} from './autoscale'

export * from './panel-error'
export * from './stack-status'
export * from './broker-metrics'
export * from './host-access'
export * from './rpc-console'
export type { LookupResult } from './lookup'
export type { ListingSearchResult } from './listing-search'

// ---- Building blocks -------------------------------------------------------------------

const ServiceNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,63}$/, 'A service name is 1–63 of letters, digits, ".", "_" or "-"')

/**
 * Optional id the caller picks for a long operation, so it can match the `progress` events
 * that belong to it before the response arrives. The controller makes one up when absent.
 */
const OperationIdSchema = z.string().min(1).max(100).optional()

const StreamIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'A stream id is 1–100 of letters, digits, "_" or "-"')

/** Limits a request may not pass, written once (the API and the CLI check the same ones). */
const MAX_LOG_TAIL = 10_000
export const MAX_RPC_TIMEOUT_MS = 600_000

const ProgressOperationSchema = z.enum(['up', 'down', 'scale', 'start', 'stop', 'restart', 'update', 'build', 'pull'])

export type ProgressOperation = z.infer<typeof ProgressOperationSchema>

/** What one progress event is about; `failed` closes an operation that failed as a whole. */
const ProgressStepSchema = z.enum([
  'image',
  'build',
  'pull',
  'push',
  'network',
  'volume',
  'wait',
  'create',
  'start',
  'recreate',
  'healthy',
  'stop',
  'remove',
  'restart',
  'update',
  'failed'
])
export type ProgressStep = z.infer<typeof ProgressStepSchema>

const ProgressEventSchema = z.object({
  operationId: z.string(),
  operation: ProgressOperationSchema,
  step: ProgressStepSchema,
  service: z.string().nullable(),
  /** Container name, when the step is about one container. */
  container: z.string().nullable(),
  state: z.enum(['started', 'progress', 'done', 'failed']),
  message: z.string(),
  /** For pulls/builds with a measurable size or for n-of-m steps. */
  current: z.number().nullable(),
  total: z.number().nullable(),
  error: PanelErrorSchema.nullable(),
  /** ISO time. */
  at: z.string()
})
export type ProgressEvent = z.infer<typeof ProgressEventSchema>

const OperationReportSchema = z.object({
  operationId: z.string(),
  tookMs: z.number(),
  /** One line per thing done, for the CLI and the UI's toast. */
  summary: z.array(z.string())
})
export type OperationReport = z.infer<typeof OperationReportSchema>

const LogLineSchema = z.object({
  container: z.string(),
  service: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  /** The engine's timestamp (ISO), null if it sent none. */
  time: z.string().nullable(),
  line: z.string()
})
export type LogLine = z.infer<typeof LogLineSchema>

const LogStreamParamsSchema = z
  .object({
    service: ServiceNameSchema,
    /** Container name; all of the service's containers when absent. */
    container: z.string().optional(),
    tail: z.number().int().min(0).max(MAX_LOG_TAIL).default(200)
  })
  .strict()

const ContainerStatsSchema = z.object({
  container: z.string(),
  service: z.string(),
  cpuPercent: z.number(),
  memoryBytes: z.number(),
  memoryLimitBytes: z.number(),
  /** ISO time of the engine's reading. */
  read: z.string()
})
export type ContainerStats = z.infer<typeof ContainerStatsSchema>

const PanelConfigSchema = z.object({
  project: z.string(),
  composeFile: z.string(),
  envFiles: z.array(z.string()),
  /** The stack's generated credentials (a 0600 env file beside the compose file); its path only. */
  credentialsFile: z.string().nullable(),
  dockerEndpoint: z.string(),
  amqpUri: z.string(),
  managementUrl: z.string(),
  elasticsearchUrl: z.string(),
  scraperService: z.string(),
  /** The compose service whose replicas serve scraperService's queue: the one the UI scales and charts. */
  scraperComposeService: z.string()
})
export type PanelConfig = z.infer<typeof PanelConfigSchema>

// ---- Streams ---------------------------------------------------------------------------

/**
 * Every live view a client can open, by kind: the params it is opened with and the item it
 * pushes. A client opens one with `streamOpen` (a kind, its params, and the id it picked),
 * gets `streamData` events with that id (the first carries the state now: a log's tail, the
 * crawl's detail, the recent readings) until `streamEnd`, which comes once, and closes it
 * with `streamClose`. The panel closes a client's streams when the client goes.
 * A new kind is one entry here, its source in PanelController.streams (controller/stream-source.ts)
 * and the view that calls followStream; docs/streams.md lists the steps.
 */
const streams = {
  /** A service's (or one container's) log: the last `tail` lines, then each new line. */
  logs: { params: LogStreamParamsSchema, item: LogLineSchema },
  /**
   * A crawl's detail, at most 2 a second, and only when it changed; the last one is the
   * ended crawl's final detail. Ends when the crawl ends, is deleted or the coordinator goes.
   */
  crawl: { params: z.object({ id: CrawlIdSchema }).strict(), item: CrawlDetailSchema },
  /**
   * Each running container's readings (of one service, or all): the recent ones first, then
   * at most one a second per container, from one engine stream per container shared by all.
   */
  stats: { params: z.object({ service: ServiceNameSchema.optional() }).strict(), item: ContainerStatsSchema },
  /**
   * The stack's log from its store, every service and replica merged: the last `tail` lines
   * matching, then each new one as it reaches the store (polled every second).
   */
  stackLogs: { params: StackLogParamsSchema, item: LogRecordSchema },
  /**
   * Every host's politeness status (or one source's hosts), polled from the API at most every
   * 2 s per stream and sent only when it changed. Ends when the API stops answering.
   */
  hosts: { params: z.object({ source: SourceNameSchema.optional() }).strict(), item: HostListResponseSchema }
} as const satisfies Record<string, { params: z.ZodType; item: z.ZodType }>

type Streams = typeof streams
export type StreamKind = keyof Streams
const STREAM_KINDS = Object.keys(streams) as StreamKind[]
/** What an opener passes (defaults may be left out) and what the source receives. */
export type StreamParamsInput<K extends StreamKind> = z.input<Streams[K]['params']>
export type StreamParams<K extends StreamKind> = z.output<Streams[K]['params']>
export type StreamItem<K extends StreamKind> = z.output<Streams[K]['item']>

interface StreamOpenFields {
  /**
   * Picked by the caller, unique within its connection, so it can match the first items (sent
   * before the answer) and open the stream again under the same id after a reconnect; the
   * session makes one up when absent.
   */
  streamId?: string
  /**
   * The caller shows this stream's earlier items already (it opens it again after a
   * reconnect): send no backlog (no log tail, no recent readings), only what is current.
   */
  resume?: boolean
}
export type StreamOpenRequest = {
  [K in StreamKind]: StreamOpenFields & { kind: K; params: StreamParamsInput<K> }
}[StreamKind]
export type StreamOpen = {
  [K in StreamKind]: { kind: K; params: StreamParams<K>; streamId?: string; resume: boolean }
}[StreamKind]
export type StreamData = { [K in StreamKind]: { streamId: string; kind: K; items: StreamItem<K>[] } }[StreamKind]

const StreamKindSchema = z.enum(STREAM_KINDS as [StreamKind, ...StreamKind[]])

/** The kind is checked first, then the params against that kind's schema (the error names `params.<field>`). */
const StreamOpenSchema = z
  .object({
    kind: StreamKindSchema,
    params: z.record(z.string(), z.unknown()),
    streamId: StreamIdSchema.optional(),
    resume: z.boolean().default(false)
  })
  .strict()
  .transform((open, ctx) => {
    const params = streams[open.kind].params.safeParse(open.params)
    if (params.success) return { ...open, params: params.data } as StreamOpen
    for (const issue of params.error.issues)
      ctx.addIssue({ code: 'custom', path: ['params', ...issue.path], message: issue.message })
    return z.NEVER
  }) as unknown as z.ZodType<StreamOpen, StreamOpenRequest>

const StreamDataSchema = z.discriminatedUnion(
  'kind',
  STREAM_KINDS.map((kind) =>
    z.object({ streamId: z.string(), kind: z.literal(kind), items: z.array(streams[kind].item) })
  ) as unknown as [z.ZodObject<{ streamId: z.ZodString; kind: z.ZodLiteral<StreamKind>; items: z.ZodArray<z.ZodType> }>]
) as unknown as z.ZodType<StreamData>

function streamOperations() {
  return {
    /** Opens a stream of the client that asks; its items and its end go to that client alone. */
    streamOpen: { request: StreamOpenSchema, response: z.object({ streamId: z.string() }) },
    /** Closes one of this client's streams (its `streamEnd` says `closed`); false when it has none by that id. */
    streamClose: {
      request: z.object({ streamId: StreamIdSchema }).strict(),
      response: z.object({ closed: z.boolean() })
    }
  } as const
}

function streamEvents() {
  return {
    /** Items of one stream, in order; the first event of a stream carries the state when it opened. */
    streamData: StreamDataSchema,
    /** A stream ended, once: closed by its client, or its source ended (container gone, crawl ended, engine lost). */
    streamEnd: z.object({ streamId: z.string(), reason: z.string() })
  } as const
}

/** The operations the session answers itself (a client's streams), not the controller. */
export type StreamOperationName = keyof ReturnType<typeof streamOperations>

// ---- Operations ------------------------------------------------------------------------

const Empty = z.object({}).strict()
const ServiceRequest = z.object({ service: ServiceNameSchema, operationId: OperationIdSchema }).strict()

const operations = {
  /** The panel's effective configuration (endpoints; credentials are masked). */
  config: { request: Empty, response: PanelConfigSchema },
  /** One full snapshot; the `status` event pushes the same shape on every change. */
  status: { request: Empty, response: StackStatusSchema },
  /** Network, volumes, then containers in dependency order; builds or pulls missing images. */
  up: {
    request: z
      .object({
        /** Only these services (and what they depend on); all when absent. */
        services: z.array(ServiceNameSchema).optional(),
        operationId: OperationIdSchema,
        /** The `fileHash` of a `preflight` the user accepted; needed when the file reaches the host. */
        allowHostAccess: z
          .string()
          .regex(/^[0-9a-f]{64}$/, 'allowHostAccess is the fileHash a preflight answered')
          .optional()
      })
      .strict(),
    response: OperationReportSchema
  },
  /** What the compose file (these services and their dependencies) can do to the host, and whether it was accepted. */
  preflight: {
    request: z.object({ services: z.array(ServiceNameSchema).optional() }).strict(),
    response: PreflightResultSchema
  },
  /** Stops and removes the stack's containers and network; volumes only when asked. */
  down: {
    request: z.object({ removeVolumes: z.boolean().default(false), operationId: OperationIdSchema }).strict(),
    response: OperationReportSchema
  },
  /** Adds containers with the next numbers, or stops the highest numbers gracefully. */
  scale: {
    request: z
      .object({
        service: ServiceNameSchema,
        replicas: z
          .number()
          .int({ error: 'a whole number of replicas' })
          .min(0, { error: 'a number of replicas cannot be negative' })
          .max(MAX_REPLICAS, { error: `at most ${MAX_REPLICAS} replicas of one service (the panel's limit)` }),
        operationId: OperationIdSchema
      })
      .strict(),
    response: OperationReportSchema
  },
  startService: { request: ServiceRequest, response: OperationReportSchema },
  stopService: { request: ServiceRequest, response: OperationReportSchema },
  restartService: { request: ServiceRequest, response: OperationReportSchema },
  /**
   * A rolling update of one service on a swarm to its image as it is now (rebuilt first when it
   * has `build:`), pushed to the stack's registry and pinned by the new digest, as the file's
   * `deploy.update_config` says; answers once swarm reports the update completed.
   */
  updateService: { request: ServiceRequest, response: OperationReportSchema },
  /** The last `tail` lines of a service's containers (or one container); a `logs` stream follows them. */
  logs: { request: LogStreamParamsSchema, response: z.object({ lines: z.array(LogLineSchema) }) },
  /** A page of the stack's log from its store (every service and replica, kept beyond the containers). */
  logSearch: { request: LogQuerySchema, response: LogPageSchema },
  /** One CPU/memory reading per running container (of one service, or all). */
  stats: {
    request: z.object({ service: ServiceNameSchema.optional() }).strict(),
    response: z.object({ containers: z.array(ContainerStatsSchema) })
  },
  /** The latest broker sample: queues, rates, consumers and cross-layer findings. */
  metrics: { request: Empty, response: BrokerMetricsSchema },
  /** The bounded history (oldest first) for charts. */
  metricHistory: {
    request: z
      .object({ sinceMs: z.number().optional(), limit: z.number().int().min(1).max(10_000).optional() })
      .strict(),
    response: z.object({ samples: z.array(MetricsSampleSchema), capacity: z.number().int() })
  },
  /** Cache first, else scrape over RPC and index (the listings flow of src/shared/lookup.ts). */
  lookup: {
    /** `source`: the registered source to look the id up on; absent, the default source. */
    request: z
      .object({ id: ListingIdSchema, refresh: z.boolean().default(false), source: SourceNameSchema.optional() })
      .strict(),
    response: LookupResultSchema
  },
  /** Full-text search over cached listings (src/shared/listing-search.ts). */
  search: {
    request: z
      .object({ query: z.string().min(1).max(MAX_SEARCH_QUERY_LENGTH), options: ListingSearchOptionsSchema.optional() })
      .strict(),
    response: ListingSearchResultSchema
  },
  // -- The RPC console (src/shared/rpc-console.ts): any Nameko service and method.
  /** One call; a remote exception is an `RpcRemoteError` (or a listing kind) whose `remote` holds exc_type and value. */
  rpcCall: {
    request: z
      .object({
        service: RpcNameSchema,
        method: RpcNameSchema,
        args: z.array(z.unknown()).default([]),
        kwargs: z.record(z.string(), z.unknown()).default({}),
        timeoutMs: z.number().int().min(1).max(MAX_RPC_TIMEOUT_MS).default(DEFAULT_RPC_TIMEOUT_MS)
      })
      .strict()
      .superRefine((r, ctx) => {
        const problem = rpcPayloadProblem(r.args, r.kwargs)
        if (problem !== null) ctx.addIssue({ code: 'custom', path: ['args'], message: problem })
      }),
    response: z.object({ result: z.unknown(), tookMs: z.number() })
  },
  /** The Nameko services on the bus: every `rpc-*` queue the management API lists, by name. */
  rpcServices: { request: Empty, response: z.object({ services: z.array(RpcServiceSchema) }) },
  // -- end of the RPC console.
  // -- Crawls (src/shared/crawl.ts): run by the coordinator in the stack; the panel is one of its clients.
  crawlStart: { request: CrawlStartRequestSchema.strict(), response: CrawlStartResponseSchema },
  /** Newest first, at most 100. */
  crawlList: { request: Empty, response: CrawlListResponseSchema },
  crawlGet: { request: z.object({ id: CrawlIdSchema }).strict(), response: CrawlDetailSchema },
  /** One page of a crawl's items; pass `nextCursor` back for the next. */
  crawlItems: { request: CrawlItemsQuerySchema.extend({ id: CrawlIdSchema }).strict(), response: CrawlItemsPageSchema },
  /** One page of a crawl's change report (shared/crawl-changes.ts) with its counts; pass `nextCursor` back for the next. */
  crawlChanges: {
    request: CrawlChangesQuerySchema.extend({ id: CrawlIdSchema }).strict(),
    response: CrawlChangesPageSchema
  },
  crawlAction: {
    request: z.object({ id: CrawlIdSchema, action: CrawlActionSchema }).strict(),
    response: CrawlSummarySchema
  },
  crawlDelete: { request: z.object({ id: CrawlIdSchema }).strict(), response: CrawlDeleteResponseSchema },
  /** A URL that streams the export (the web shell's token-guarded download). */
  crawlExportUrl: {
    request: z.object({ id: CrawlIdSchema, format: ExportFormatSchema }).strict(),
    response: z.object({ url: z.string() })
  },
  // -- Sources (src/shared/source.ts): the boards the fleet may scrape, kept by the api service.
  sourceList: { request: Empty, response: SourceListResponseSchema },
  sourceGet: { request: z.object({ name: SourceNameSchema }).strict(), response: SourceDetailSchema },
  /** One source's hosts, or every host the fleet fetches from: limits, load, backoff. */
  sourceHosts: {
    request: z.object({ name: SourceNameSchema.optional() }).strict(),
    response: HostListResponseSchema
  },
  sourceAdd: { request: SourceSpecSchema, response: SourceDetailSchema },
  /** Any field but the name; politeness fields not given are kept. */
  sourceEdit: {
    request: z.object({ name: SourceNameSchema, edit: SourceEditSchema.strict() }).strict(),
    response: SourceDetailSchema
  },
  sourceAction: {
    request: z.object({ name: SourceNameSchema, action: z.enum(['pause', 'resume']) }).strict(),
    response: SourceDetailSchema
  },
  sourceRemove: {
    request: z.object({ name: SourceNameSchema }).strict(),
    response: z.object({ deleted: z.boolean() })
  },
  ...watchOperations(),
  ...savedSearchOperations(),
  ...streamOperations(),
  ...fleetOperations(),
  // -- Autoscale (src/shared/autoscale.ts): a service's replicas from its queue's backlog, off until turned on.
  /** A service's settings and its last decisions (newest last). */
  autoscaleGet: {
    request: z.object({ service: ServiceNameSchema, limit: z.number().int().min(1).max(720).default(50) }).strict(),
    response: AutoscaleStateSchema
  },
  /** Changes some settings (`enabled: true` turns it on and evaluates at once); answers the state after. */
  autoscaleSet: {
    request: z.object({ service: ServiceNameSchema, settings: AutoscaleSettingsPatchSchema }).strict(),
    response: AutoscaleStateSchema
  }
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>

// ---- Watches (src/shared/watch.ts): crawls on a schedule, run by the coordinator in the stack ----

function watchOperations() {
  return {
    watchList: { request: Empty, response: WatchListResponseSchema },
    /** `reveal: true` adds its webhook's signing secret. */
    watchGet: {
      request: z.object({ id: WatchIdSchema, reveal: z.boolean().default(false) }).strict(),
      response: z.union([RevealedWatchSchema, WatchSchema])
    },
    /** A bad cron expression or time zone is refused with the reason and an example; answers the watch with its secret. */
    watchAdd: { request: WatchSpecSchema.strict(), response: RevealedWatchSchema },
    /** Fields not given are kept; a new schedule counts from now. */
    watchEdit: {
      request: z.object({ id: WatchIdSchema, edit: WatchEditSchema.strict() }).strict(),
      response: WatchSchema
    },
    /** pause, resume, or run now (under the overlap rule: skipped while its last crawl runs). */
    watchAction: {
      request: z.object({ id: WatchIdSchema, action: z.enum(WATCH_ACTIONS) }).strict(),
      response: WatchSchema
    },
    watchRemove: { request: z.object({ id: WatchIdSchema }).strict(), response: z.object({ deleted: z.boolean() }) }
  } as const
}

// ---- Saved searches (src/shared/saved-search.ts): announced by webhook after watched crawls ----

function savedSearchOperations() {
  const Name = z.object({ name: SavedSearchNameSchema }).strict()
  return {
    savedSearchList: { request: Empty, response: SavedSearchListResponseSchema },
    /** `reveal: true` adds the signing secret. */
    savedSearchGet: {
      request: z.object({ name: SavedSearchNameSchema, reveal: z.boolean().default(false) }).strict(),
      response: z.union([RevealedSavedSearchSchema, SavedSearchSchema])
    },
    /** Answers it with its signing secret, the one time it is sent unasked; a bad webhook URL is refused with the reason. */
    savedSearchAdd: { request: SavedSearchSpecSchema, response: RevealedSavedSearchSchema },
    savedSearchEdit: {
      request: z.object({ name: SavedSearchNameSchema, edit: SavedSearchEditSchema }).strict(),
      response: SavedSearchSchema
    },
    savedSearchRemove: { request: Name, response: z.object({ deleted: z.boolean() }) },
    /** Its last deliveries, newest first, each with every attempt's status. */
    savedSearchDeliveries: { request: Name, response: DeliveryListResponseSchema }
  } as const
}

// ---- Fleet: resource use and notifications (src/shared/fleet-stats.ts, src/shared/notifications/) ----

function fleetOperations() {
  return {
    /** The engine host's cores, memory and running containers, and each service's limits from compose.yaml. */
    hostInfo: { request: Empty, response: HostInfoSchema },
    /** The app's notification settings (a JSON file in the user's config directory); the web shell keeps its own. */
    notificationSettings: { request: Empty, response: NotificationSettingsSchema },
    setNotificationSettings: { request: NotificationSettingsSchema, response: NotificationSettingsSchema }
  } as const
}

type Operations = typeof operations
export type OperationName = keyof Operations
/** What a caller passes (defaults may be left out). */
export type OperationRequest<K extends OperationName> = z.input<Operations[K]['request']>
/** What the controller receives after validation (defaults filled in). */
export type ParsedRequest<K extends OperationName> = z.output<Operations[K]['request']>
export type OperationResponse<K extends OperationName> = z.output<Operations[K]['response']>
export type OperationResult<K extends OperationName> = Result<OperationResponse<K>>

export const OPERATION_NAMES = Object.keys(operations) as OperationName[]

export function isOperationName(value: unknown): value is OperationName {
  return typeof value === 'string' && Object.hasOwn(operations, value)
}

/** Validates an untrusted request; the error names the operation and the offending field. */
export function parseRequest<K extends OperationName>(operation: K, raw: unknown): Result<ParsedRequest<K>> {
  const parsed = operations[operation].request.safeParse(raw ?? {})
  if (parsed.success) return { ok: true, value: parsed.data as ParsedRequest<K> }
  const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(request)'}: ${i.message}`)
  return { ok: false, error: panelError('InvalidRequest', `Invalid ${operation} request: ${issues.join('; ')}`) }
}

export function operationResultSchema<K extends OperationName>(operation: K): z.ZodType<OperationResult<K>> {
  return resultSchema(operations[operation].response) as z.ZodType<OperationResult<K>>
}

// ---- Events ----------------------------------------------------------------------------

const events = {
  /** The whole stack status, after any change (Docker event) or periodic refresh. */
  status: StackStatusSchema,
  /** A step of up/down/scale/start/stop/restart, or a build/pull progress line. */
  progress: ProgressEventSchema,
  /** A broker sample, on the metrics interval. */
  metrics: BrokerMetricsSchema,
  /** The history point recorded with that sample. */
  metricsSample: MetricsSampleSchema,
  /** The Docker engine went away or came back. */
  engine: EngineConnectivitySchema,
  /** The broker's management API or AMQP connection went away or came back. */
  broker: BrokerConnectivitySchema,
  ...streamEvents(),
  /** An autoscale evaluation: its inputs, formula, clamp, cooldown and what was done. */
  autoscaleDecision: AutoscaleDecisionSchema,
  /** A service's autoscale settings changed (by any client). */
  autoscaleSettings: z.object({ service: z.string(), settings: AutoscaleSettingsSchema })
} as const satisfies Record<string, z.ZodType>

type Events = typeof events
export type EventName = keyof Events
export type EventPayload<K extends EventName> = z.output<Events[K]>
export type EventListener<K extends EventName> = (payload: EventPayload<K>) => void

const EVENT_NAMES = Object.keys(events) as EventName[]

/** Events of a stream one client opened: they go to that client alone. */
const CLIENT_EVENT_NAMES = ['streamData', 'streamEnd'] as const satisfies readonly EventName[]
type ClientEventName = (typeof CLIENT_EVENT_NAMES)[number]
/** Events every client gets: the stack, the broker, operations' progress. */
export type BroadcastEventName = Exclude<EventName, ClientEventName>
export const BROADCAST_EVENT_NAMES = EVENT_NAMES.filter(
  (name): name is BroadcastEventName => !(CLIENT_EVENT_NAMES as readonly string[]).includes(name)
)

/** One envelope for transports that carry all events on one channel (WebSocket, IPC). */
export type PanelEvent = { [K in EventName]: { event: K; payload: EventPayload<K> } }[EventName]

// ---- The API every shell exposes -------------------------------------------------------

/** What the renderer (through preload or the web shell) and the CLI program against. */
export interface PanelApi {
  /**
   * Never rejects: every failure, a lost connection included, is an error value. A caller
   * that does not wait for the answer (`void api.invoke(…).then(…)`) therefore loses nothing.
   */
  invoke<K extends OperationName>(operation: K, request: OperationRequest<K>): Promise<OperationResult<K>>
  /** Returns the function that unsubscribes. */
  on<K extends EventName>(event: K, listener: EventListener<K>): () => void
}
