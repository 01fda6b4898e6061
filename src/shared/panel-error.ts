import { z } from 'zod'

/**
 * Errors cross process boundaries (IPC, WebSocket, CLI) as plain values, never as thrown
 * class instances: a `kind` a program can branch on, a `message` a person can read, and a
 * `hint` saying what to do about it (null when there is nothing useful to add).
 */
export const PANEL_ERROR_KINDS = [
  // Request shape
  'InvalidRequest', // a request did not match the contract's schema
  'UnknownOperation', // no such operation in the contract
  // Compose file
  'ComposeFileNotFound',
  'ComposeFileInvalid', // YAML syntax error or a key with a wrong value (message names file, line, key)
  'ComposeUnsupported', // a key we do not implement (message names file, line, key)
  'UnknownService', // a service name that is not in compose.yaml
  'HostAccessNotAllowed', // the file reaches the host (see src/shared/host-access.ts) and that was not accepted
  // Docker engine
  'EngineUnavailable', // the engine socket does not answer
  'ImageUnavailable', // image absent, no build: and pull impossible (offline)
  'BuildFailed',
  'ContainerFailed', // a container exited or became unhealthy while we waited for it
  'PortInUse', // a host port the stack publishes is taken (message: service, port, holder; hint: the variable that moves it)
  'DependencyTimeout', // a dependency did not become healthy in time
  'ContainerNotFound',
  'SwarmUnavailable', // swarm mode was asked for, and this engine is not a swarm manager
  // Broker and RPC
  'BrokerUnavailable',
  'ManagementUnavailable', // the RabbitMQ management API does not answer (AMQP fallback used)
  'RpcTimeout',
  'RpcUnknownService',
  'RpcMethodNotFound',
  'RpcIncorrectSignature',
  'RpcRemoteError', // the remote method raised; message carries exc_type and value
  // Listings (the scrape kinds of src/shared/scrape-errors.ts pass through by name)
  'InvalidListingId',
  'ListingNotFound',
  'NotAJobListing',
  'UnreadablePosting',
  'SourceUnavailable',
  'SourceTimeout',
  'PageTooLarge',
  'PageTooComplex',
  'UnknownSource', // a lookup or crawl named a source that is not registered (or has no listing URL template)
  'SourcePaused', // the source is paused
  'ScrapeFailed', // the scraper failed in a way it does not name
  'MalformedListing', // the scraper answered something that is not a Listing
  'InvalidSearch',
  'SearchUnavailable', // Elasticsearch does not answer
  // Crawls (src/shared/crawl.ts)
  'CrawlNotFound', // no crawl with this id (deleted, or never started)
  'InvalidCrawl', // a crawl request or action the API refused (bad source, bad list, action not possible now)
  'CrawlerUnavailable', // the API (its crawl coordinator) does not answer or cannot reach Elasticsearch
  // Sources (src/shared/source.ts)
  'InvalidSource', // a source the API refused (message: the field and the reason)
  'SourceNotFound',
  'SourceNameTaken',
  'SourceConflict', // the default source cannot be removed, or the source kept changing under an edit
  'SourcesUnavailable', // the API cannot reach the source store (Elasticsearch)
  // Fleet (src/shared/fleet-stats.ts, src/shared/notifications/)
  'NotificationSettingsUnavailable', // this shell keeps no notification settings (the web shell keeps them in the browser)
  // The page lost its connection to the panel (web shell) before an answer came
  'PanelDisconnected',
  // Anything else: a bug, reported with its message rather than swallowed
  'Internal'
] as const

export const PanelErrorKindSchema = z.enum(PANEL_ERROR_KINDS)
export type PanelErrorKind = z.infer<typeof PanelErrorKindSchema>

/** What a remote (Nameko) method raised, as its error reply carried it: the RPC console shows it as is. */
export const RemoteErrorDetailSchema = z.object({ excType: z.string(), excPath: z.string().nullable(), value: z.string() })
export type RemoteErrorDetail = z.infer<typeof RemoteErrorDetailSchema>

export const PanelErrorSchema = z.object({
  kind: PanelErrorKindSchema,
  message: z.string(),
  hint: z.string().nullable(),
  /** Set when the error is a remote method's exception (an error reply), absent otherwise. */
  remote: RemoteErrorDetailSchema.optional()
})
export type PanelError = z.infer<typeof PanelErrorSchema>

/** What every operation answers: a value or an error value, never a rejection across IPC. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: PanelError }

export function resultSchema<T extends z.ZodType>(value: T): z.ZodType<Result<z.infer<T>>> {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: PanelErrorSchema })
  ]) as unknown as z.ZodType<Result<z.infer<T>>>
}

export function panelError(kind: PanelErrorKind, message: string, hint: string | null = null): PanelError {
  return { kind, message, hint }
}

