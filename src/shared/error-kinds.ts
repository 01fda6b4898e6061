/**
 * The one table of error kinds. An error crosses IPC, WebSocket, HTTP and the RPC bus as a
 * plain `{ kind, message, hint }` (panel-error.ts), so its kind is the truth every layer goes
 * by: the session, the API and its /crawls routes, the panel's crawl client and the crawl
 * retry decision all read the HTTP status, whether another attempt may help, and the default
 * hint from here. An error that knows better (a taken port naming the variable that moves it,
 * a bad field naming the field) carries its own hint; the table's is the fallback.
 */

export interface ErrorRule {
  /** What the REST API answers with this kind (and what the crawl client reads back). */
  status: number
  /** True when the same request, sent again later unchanged, may succeed. */
  retryable: boolean
  /** What a person can do about it; null when the message says all there is. */
  hint: string | null
}

const rule = (status: number, retryable: boolean, hint: string | null): ErrorRule => ({ status, retryable, hint })

export const ERROR_RULES = {
  // The request itself
  InvalidRequest: rule(400, false, 'The request does not match the contract (src/shared/contract.ts); fix the caller.'), // a request did not match the contract's schema
  UnknownOperation: rule(400, false, 'No such operation in the contract; check the name.'),
  InvalidParameter: rule(400, false, 'Check the query-string parameters.'), // an API query parameter that is not valid (?refresh=maybe)
  BadRequest: rule(400, false, 'Send GET with a path such as /joblisting/<id>.'), // an HTTP request target that is not a path
  NotFound: rule(404, false, 'Routes: GET /joblisting/:id, GET /joblistings?q=, GET /health, /crawls.'), // no such API route
  MethodNotAllowed: rule(405, false, 'Use a method the route serves (see the Allow header).'),
  // Compose file and stack
  ComposeFileNotFound: rule(404, false, 'Fix the file and try again; nothing was changed.'),
  ComposeFileInvalid: rule(422, false, 'Fix the file and try again; nothing was changed.'), // YAML syntax error or a key with a wrong value (message names file, line, key)
  ComposeUnsupported: rule(422, false, 'Fix the file and try again; nothing was changed.'), // a key not implemented (message names file, line, key)
  UnknownService: rule(404, false, 'Use a service name from compose.yaml (deck status lists them).'), // a service name that is not in compose.yaml
  HostAccessNotAllowed: rule(
    403,
    false,
    'Review what the file reaches on the host (deck preflight), then accept it in the panel or pass --allow-host-access.'
  ),
  CredentialsFileInvalid: rule(
    500,
    false,
    "Delete the stack's .credentials.env and run `npm run deck -- config` to write a new one (then `deck down --volumes` if RabbitMQ keeps the old user)."
  ),
  // Docker engine
  EngineUnavailable: rule(503, true, 'Is Docker running? Check DOCKER_HOST; the panel reconnects by itself.'), // the engine socket does not answer
  ImageUnavailable: rule(
    424,
    false,
    "Build or load the stack's images (npm run stack:images), or let the engine pull them."
  ), // image absent, no build: and pull impossible (offline)
  BuildFailed: rule(500, false, 'See the build output above the error; fix the Dockerfile or its context.'),
  ContainerFailed: rule(500, false, "See the container's logs (deck logs <service>)."), // a container exited or became unhealthy while waited for
  PortInUse: rule(409, false, "Stop what holds the port, or move the stack's port with its variable in .env."), // a host port the stack publishes is taken
  DependencyTimeout: rule(504, true, "See the dependency's logs; DECK_UP_TIMEOUT_MS gives it longer."), // a dependency did not become healthy in time
  ContainerNotFound: rule(404, false, 'The container is gone; refresh the status.'),
  SwarmUnavailable: rule(503, false, 'Run `docker swarm init` on this engine, or use compose mode (no --swarm).'), // swarm mode asked for on an engine that is not a manager
  // Broker and RPC
  BrokerUnavailable: rule(
    503,
    true,
    "Is RabbitMQ running? Check AMQP_URI (the API's GET /health shows its broker link)."
  ),
  ManagementUnavailable: rule(
    503,
    true,
    'Is the RabbitMQ management plugin on? Check RABBITMQ_MANAGEMENT_URL and its credentials.'
  ),
  RpcTimeout: rule(
    504,
    true,
    'No replica answered in time (RPC_TIMEOUT_MS): is one running and consuming? Try again or add replicas.'
  ),
  RpcUnknownService: rule(
    503,
    true,
    'No replica of that service has ever connected to this broker: start one (deck up, or scale it up).'
  ),
  RpcNoConsumer: rule(
    503,
    true,
    'No replica consumes its queue: scale it up (`deck scale scraper 1`, or + on its row in the Stack view). Nothing was queued.'
  ), // the queue exists, no replica consumes it, so nothing was sent
  RpcMethodNotFound: rule(502, false, 'The service has no such method; check which version of it is running.'),
  RpcIncorrectSignature: rule(
    502,
    false,
    'The method takes other arguments; check which version of the service is running.'
  ),
  RpcRemoteError: rule(502, false, "The remote method raised; see that service's logs."), // message carries exc_type and value
  TooManyDeliveries: rule(
    502,
    false,
    'Every replica that took this request died or stopped before answering; see the scraper logs for this id.'
  ),
  // Listings (the scraper's kinds, src/shared/scrape-errors.ts, travel by name)
  InvalidListingId: rule(400, false, 'A listing id is 1–64 characters of letters, digits, ".", "_" or "-".'),
  ListingNotFound: rule(404, false, 'The job board has no listing with this id (it may have been removed).'),
  ListingNotModified: rule(
    409,
    false,
    "The page has not changed since the validators the request sent (ETag, Last-Modified): a crawl's re-fetch counts it unchanged."
  ),
  NotAJobListing: rule(422, false, 'The page exists but holds no job posting; check the id.'),
  UnreadablePosting: rule(
    422,
    false,
    'The page holds a job posting whose JSON-LD is too broken to read, even repaired; the board must fix it.'
  ),
  SourceUnavailable: rule(502, true, 'The job board could not be reached or failed; try again later.'),
  SourceTimeout: rule(504, true, 'The job board was too slow to answer; try again later.'),
  SourceRefused: rule(
    503,
    true,
    'The job board asked us to slow down (429): crawls wait as long as it asks; try a lookup again later.'
  ), // the host answered 429
  FetchSlotMissed: rule(
    503,
    true,
    'The request reached a scraper after its politeness slot had closed; a crawl gives it a new slot without counting an attempt.'
  ),
  RobotsDisallowed: rule(
    403,
    false,
    "The site's robots.txt disallows this page for our agent, so it is not fetched; if you have the site's permission, set the source to ignore robots.txt (deck source edit NAME --ignore-robots)."
  ),
  // A crawl item of a host that kept refusing, whose source says onBlocked: 'fail'.
  HostBlocked: rule(
    503,
    false,
    "The host kept refusing (429/503) and is blocked; its source's onBlocked is 'fail'. Try the crawl again later, or set onBlocked to 'wait'."
  ),
  PageTooLarge: rule(502, false, 'The listing page is larger than the scraper accepts (SCRAPER_MAX_BYTES).'),
  PageTooComplex: rule(
    502,
    false,
    'The listing page is nested too deeply or too large to parse safely; retrying will not help.'
  ),
  // A source the scraper does not hold: in a crawl (which dispatches registered sources only)
  // its scraper has not heard the announcement yet, so a later attempt may succeed.
  UnknownSource: rule(
    404,
    true,
    'Name a registered source (deck source list, GET /sources); looking ids up needs its listing URL template.'
  ),
  SourcePaused: rule(409, true, 'Resume the source first (deck source resume NAME, POST /sources/:name/resume).'),
  MalformedListing: rule(
    502,
    false,
    'The scraper on the bus answered an unexpected shape; check which scraper version is running.'
  ),
  InvalidSearch: rule(
    400,
    false,
    'Check the search parameters: q, skill (repeatable), company, location, page, pageSize.'
  ),
  SearchUnavailable: rule(
    503,
    true,
    'Elasticsearch cannot be searched right now (check ELASTICSEARCH_URL); lookups still work through the scraper.'
  ),
  // Crawls (src/shared/crawl.ts)
  CrawlNotFound: rule(404, false, 'List the crawls with GET /crawls; a deleted crawl is gone for good.'), // deleted, or never started
  InvalidCrawl: rule(
    400,
    false,
    'See CrawlStartRequest: { source: {kind: board|sitemap|ids, …}, refresh?, maxAttempts? (1–10), name? }.'
  ),
  CrawlConflict: rule(409, false, "The crawl's state does not allow this action now; refresh it and choose another."), // pause a finished crawl, resume a running one
  CrawlerUnavailable: rule(
    503,
    true,
    'Is the stack up? The crawl coordinator runs in the api service and needs Elasticsearch (GET /health).'
  ),
  // Sources (src/shared/source.ts)
  InvalidSource: rule(
    400,
    false,
    'A source is { name, listingUrlTemplate: "https://board.example/jobs/{id}" or null, sitemapUrls: [http(s) URLs], politeness: { maxInFlight ≥ 1, minGapMs ≥ 0, respectRobots, autoThrottle, onBlocked: wait|fail } }.'
  ), // message: the field and the reason
  SourceNotFound: rule(404, false, 'List the sources with `deck source list` or GET /sources.'),
  SourceNameTaken: rule(409, false, 'Pick another name, or edit that source.'),
  SourceConflict: rule(
    409,
    false,
    'The default source cannot be removed (pause it instead), or someone else kept editing it: read it again and retry.'
  ),
  SourcesUnavailable: rule(
    503,
    true,
    'Is the stack up? Sources are kept by the api service in Elasticsearch (GET /health).'
  ),
  // Watches (src/shared/watch.ts)
  InvalidWatch: rule(
    400,
    false,
    'A watch is { sources: ["jobboard"], schedule: { kind: "cron", cron: "0 7 * * *", timeZone: "Europe/Berlin" } or { kind: "every", hours: 6 }, crawl?: { refresh, maxAttempts } }.'
  ), // message: the field and the reason (a cron expression or time zone that does not parse)
  WatchNotFound: rule(404, false, 'List the watches with `deck watch list` or GET /watches.'),
  WatchConflict: rule(409, true, 'Someone else (or its coordinator) kept changing the watch; read it again and retry.'),
  WatchesUnavailable: rule(
    503,
    true,
    'Is the stack up? Watches are kept and run by the crawl coordinator in the api service (GET /health).'
  ),
  // Saved searches (src/shared/saved-search.ts)
  InvalidSavedSearch: rule(
    400,
    false,
    'A saved search is { name: "rust-berlin", query: { q, source?, location?, minSalary?, skills? }, webhook?: "https://…" }.'
  ), // message: the field and the reason (a webhook URL that is not http(s) or carries credentials)
  SavedSearchNotFound: rule(404, false, 'List the saved searches with `deck search list` or GET /saved-searches.'),
  SavedSearchExists: rule(409, false, 'Pick another name, or edit the saved search.'),
  SavedSearchConflict: rule(409, true, 'The saved search kept changing (deliveries are recorded in it); retry.'),
  // The stack's log store (src/shared/log-record.ts)
  InvalidLogQuery: rule(
    400,
    false,
    'Log query parameters: service, replica, level (debug|info|warn|error), since/until (ISO time or 15m, 1h, 2d), crawl, listing, field.<name>=<value>, q, exact, order (newest|oldest), size (1–1000), after.'
  ),
  LogStoreUnavailable: rule(
    503,
    true,
    "The stack's Elasticsearch does not answer (GET /health); lines are kept by each service until it is back."
  ),
  // The panel
  NotificationSettingsUnavailable: rule(
    501,
    false,
    'This shell keeps no notification settings (the web shell keeps them in the browser).'
  ),
  PanelDisconnected: rule(503, true, 'The page lost its connection to the panel; it reconnects by itself.'), // web shell: the socket dropped before an answer came
  // Anything else: a bug, reported with its message rather than swallowed
  Internal: rule(500, false, 'An unexpected error; see the logs of the process that reported it.')
} as const satisfies Record<string, ErrorRule>

export type ErrorKind = keyof typeof ERROR_RULES

export const ERROR_KINDS = Object.keys(ERROR_RULES) as [ErrorKind, ...ErrorKind[]]

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && Object.hasOwn(ERROR_RULES, value)
}

/** The error's own hint when it has one (it knows the port, the field), else the kind's. */
export function hintFor(kind: ErrorKind, own: string | null | undefined = null): string | null {
  return own ?? ERROR_RULES[kind].hint
}
