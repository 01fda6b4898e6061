/**
 * Everything the panel needs to find the stack and its services, with environment overrides.
 * One typed place, so the Electron app, the web shell and the CLI agree. Loading only reads:
 * the stack's credentials file is written by its own step, ensureStackCredentials, which the
 * panel's start, `deck up` and `deck config` run before they load.
 */
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { DEFAULT_SCRAPER_SERVICE } from '../../services/env'
import { ELASTIC_USER, userinfoOf, withUserinfo } from '../../shared/stack-credentials'
import type { StackCredentials } from '../../shared/stack-credentials'
import type { DeckMode } from '../../shared/stack-status'
import { credentialsFilePath, ensureCredentialsFile, readCredentialsFile } from '../stack/credentials-file'
import { parseComposeCompat } from '../stack/compose-labels'
import type { ComposeFlavour } from '../stack/compose-labels'
import { composeProjectName, composeVariables } from '../stack/compose-settings'
import { STACK_PORTS, publishedPort } from '../stack/stack-ports'
import { parseSwarmPublish } from '../stack/drivers/swarm/swarm-preflight'
import type { SwarmPublish } from '../stack/drivers/swarm/swarm-preflight'
import { parseRegistryAddress } from '../stack/drivers/swarm/swarm-registry'
import type { RegistryAddress } from '../stack/drivers/swarm/swarm-registry'

export interface PanelSettings {
  /** DECK_COMPOSE_FILE; default ./compose.yaml. */
  composeFile: string
  /** DECK_PROJECT; else what Compose uses (COMPOSE_PROJECT_NAME, which .env sets, or the file's `name:`); else "scrapedeck". */
  project: string
  /** DECK_ENV_FILES (comma-separated, relative to the compose file); default ".env,.env.images". */
  envFiles: string[]
  /** DOCKER_HOST; default unix:///var/run/docker.sock. */
  dockerEndpoint: string
  /** Which Compose new containers imitate: DECK_COMPOSE_COMPAT "v1" or "v2" (default). */
  composeCompat: ComposeFlavour
  /**
   * The stack's credentials file (src/main/stack/credentials-file.ts) beside the compose file,
   * whether written yet or not (ensureStackCredentials writes it); null when there is no compose file.
   */
  credentialsFile: string | null
  /** AMQP_URI; default the stack's published port (RABBITMQ_PORT, as compose.yaml reads it) with the generated user. */
  amqpUri: string
  /** RABBITMQ_MANAGEMENT_URL (default from RABBITMQ_MANAGEMENT_PORT), _USER, _PASSWORD (default: the AMQP URI's user). */
  managementUrl: string
  managementUser: string
  managementPassword: string
  /** ELASTICSEARCH_URL; default from ELASTICSEARCH_PORT, as the `elastic` user with the generated password. */
  elasticsearchUrl: string
  /** Every password above: what the panel masks in all it shows (src/shared/secret-mask.ts). */
  secrets: string[]
  /** DECK_API_URL: the stack's REST API, which runs the crawl coordinator; default http://127.0.0.1:8080. */
  apiUrl: string
  /** LISTINGS_INDEX: the Elasticsearch index of cached listings; default "joblistings". */
  listingsIndex: string
  /** SCRAPER_SERVICE: the Nameko name lookups call. */
  scraperService: string
  /** DECK_RPC_SERVICES "composeService=namekoService,…": which replicas serve which queue. Default scraper=<SCRAPER_SERVICE>. */
  rpcServices: Record<string, string>
  /** DECK_PROMETHEUS_PORT: where the panel serves its fleet metrics on 127.0.0.1 (main/metrics/); unset: nowhere. */
  prometheusPort?: number
  /** DECK_METRICS_INTERVAL_MS; default 2000. */
  metricsIntervalMs: number
  /** DECK_STATUS_REFRESH_MS (the safety-net refresh); default 5000. */
  statusRefreshMs: number
  /** DECK_UP_TIMEOUT_MS (per dependency wait); default 180000. */
  upTimeoutMs: number
  /** DECK_HOST_ACCESS_FILE: the compose file hashes the user accepted; default $XDG_CONFIG_HOME/scrapedeck/host-access.json. */
  hostAccessFile: string
  /** DECK_MODE "compose" (default: containers on one engine) or "swarm" (a stack on the swarm whose manager DOCKER_HOST is); `deck --swarm`. */
  mode: DeckMode
  /** DECK_SWARM_PUBLISH "loopback" (default: 127.0.0.1 ports served by the manager's relay) or "public"; `deck --publish-public`. */
  swarmPublish: SwarmPublish
  /** DECK_SWARM_RELAY_IMAGE: the loopback relay's image (needs node); default the stack's NODE_IMAGE. */
  swarmRelayImage: string
  /** DECK_SWARM_REGISTRY "ip:port": where the stack's registry listens on the manager and the nodes pull from; default 127.0.0.1:5000 (one node). */
  swarmRegistry: RegistryAddress
  /** DECK_SWARM_REGISTRY_IMAGE: the registry's image; default the stack's REGISTRY_IMAGE (`npm run stack:images` builds it). */
  swarmRegistryImage: string
  /** The desktop app's notification settings (JSON), `~/.config/scrapedeck/notifications.json`. */
  notificationsFile: string
}

function parseMode(value: string | undefined): DeckMode {
  if (value === undefined || value === '' || value === 'compose') return 'compose'
  if (value === 'swarm') return 'swarm'
  throw new Error(`DECK_MODE is "compose" (default) or "swarm", got "${value}"`)
}

type Env = Readonly<Record<string, string | undefined>>

/** DECK_COMPOSE_FILE (default ./compose.yaml), absolute. */
function composeFileOf(env: Env, cwd: string): string {
  const named = env['DECK_COMPOSE_FILE']
  return resolve(cwd, named === undefined || named === '' ? 'compose.yaml' : named)
}

/**
 * Writes the stack's credentials file (fresh random values) beside the compose file if it is
 * missing, and returns its path; null when there is no compose file, hence no stack to secure.
 * Run before loadPanelConfig by whatever may bring the stack up, so its services and the
 * panel's endpoints read one set of credentials.
 */
export function ensureStackCredentials(env: Env = process.env, cwd = process.cwd()): string | null {
  const composeFile = composeFileOf(env, cwd)
  if (!existsSync(composeFile)) return null
  const path = credentialsFilePath(composeFile)
  ensureCredentialsFile(path)
  return path
}

export function loadPanelConfig(env: Env = process.env, cwd = process.cwd()): PanelSettings {
  const str = (name: string, fallback: string): string => {
    const v = env[name]
    return v === undefined || v === '' ? fallback : v
  }
  const int = (name: string, fallback: number): number => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const n = Number(raw)
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`${name} must be a positive integer (milliseconds), got "${raw}"`)
    return n
  }
  const scraperService = str('SCRAPER_SERVICE', DEFAULT_SCRAPER_SERVICE)
  const configDir = join(str('XDG_CONFIG_HOME', join(homedir(), '.config')), 'scrapedeck')
  const composeFile = composeFileOf(env, cwd)
  const envFiles = str('DECK_ENV_FILES', '.env,.env.images')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  // The stack's own settings (shell over .env files, as Compose reads them) give the defaults,
  // so moving a published port moves the panel's endpoint with it.
  const compose = composeVariables(composeFile, envFiles, env)
  const port = (p: (typeof STACK_PORTS)[keyof typeof STACK_PORTS]): number => publishedPort(p, compose)
  const credentialsFile = existsSync(composeFile) ? credentialsFilePath(composeFile) : null
  // Not there yet (ensureStackCredentials has not run): endpoints without a user, as for no stack.
  const credentials: StackCredentials | null =
    credentialsFile === null || !existsSync(credentialsFile) ? null : readCredentialsFile(credentialsFile)
  const amqpUri = str(
    'AMQP_URI',
    withUserinfo(`amqp://127.0.0.1:${port(STACK_PORTS.amqp)}`, credentials?.rabbitmqUser, credentials?.rabbitmqPassword)
  )
  const amqpUser = userinfoOf(amqpUri)
  const managementPassword = str('RABBITMQ_MANAGEMENT_PASSWORD', amqpUser?.password ?? '')
  const elasticsearchUrl = str(
    'ELASTICSEARCH_URL',
    withUserinfo(
      `http://127.0.0.1:${port(STACK_PORTS.elasticsearch)}`,
      credentials === null ? undefined : ELASTIC_USER,
      credentials?.elasticPassword
    )
  )
  const secrets = [
    credentials?.rabbitmqPassword,
    credentials?.elasticPassword,
    amqpUser?.password,
    managementPassword,
    userinfoOf(elasticsearchUrl)?.password
  ]
  return {
    composeFile,
    project: str('DECK_PROJECT', composeProjectName(composeFile, compose) ?? 'scrapedeck'),
    envFiles,
    composeCompat: parseComposeCompat(compose['DECK_COMPOSE_COMPAT']),
    dockerEndpoint: str('DOCKER_HOST', 'unix:///var/run/docker.sock'),
    credentialsFile,
    amqpUri,
    managementUrl: str('RABBITMQ_MANAGEMENT_URL', `http://127.0.0.1:${port(STACK_PORTS.management)}`),
    managementUser: str('RABBITMQ_MANAGEMENT_USER', amqpUser?.user ?? ''),
    managementPassword,
    elasticsearchUrl,
    secrets: [...new Set(secrets.filter((s): s is string => s !== undefined && s !== ''))],
    apiUrl: str('DECK_API_URL', `http://127.0.0.1:${port(STACK_PORTS.api)}`),
    listingsIndex: str('LISTINGS_INDEX', 'joblistings'),
    scraperService,
    rpcServices: parseRpcServices(str('DECK_RPC_SERVICES', `scraper=${scraperService}`)),
    ...prometheusPortOf(env['DECK_PROMETHEUS_PORT']),
    metricsIntervalMs: int('DECK_METRICS_INTERVAL_MS', 2000),
    statusRefreshMs: int('DECK_STATUS_REFRESH_MS', 5000),
    upTimeoutMs: int('DECK_UP_TIMEOUT_MS', 180_000),
    hostAccessFile: resolve(cwd, str('DECK_HOST_ACCESS_FILE', join(configDir, 'host-access.json'))),
    mode: parseMode(env['DECK_MODE']),
    swarmPublish: parseSwarmPublish(env['DECK_SWARM_PUBLISH']),
    swarmRelayImage: str('DECK_SWARM_RELAY_IMAGE', compose['NODE_IMAGE'] || 'node:24-bookworm-slim'),
    swarmRegistry: parseRegistryAddress(env['DECK_SWARM_REGISTRY']),
    swarmRegistryImage: str('DECK_SWARM_REGISTRY_IMAGE', compose['REGISTRY_IMAGE'] || 'scrapedeck/registry:2'),
    notificationsFile: resolve(cwd, str('DECK_NOTIFICATIONS_FILE', join(configDir, 'notifications.json')))
  }
}

function prometheusPortOf(raw: string | undefined): { prometheusPort?: number } {
  if (raw === undefined || raw === '') return {}
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`DECK_PROMETHEUS_PORT must be a port number (0 picks a free one), got "${raw}"`)
  return { prometheusPort: port }
}

function parseRpcServices(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [service, rpc] = pair.split('=')
    if (!service || !rpc) throw new Error(`DECK_RPC_SERVICES entries are composeService=namekoService, got "${pair}"`)
    out[service] = rpc
  }
  return out
}
