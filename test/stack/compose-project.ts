/**
 * Drives one throwaway Compose project of compose.yaml through Debian's `docker-compose`
 * (v1.29), with the offline images from .env.images and free host ports on 127.0.0.1, so
 * it can run beside the host's RabbitMQ / Elasticsearch and other tests' projects. The
 * stack's credentials file is made first, as the panel makes it (`deck config` / `deck up`),
 * so this is also what a user gets running Compose by hand after the panel.
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { freePort } from '../support/free-port'
import { credentialsFilePath, ensureCredentialsFile } from '../../src/main/stack/credentials-file'
import type { StackCredentials } from '../../src/shared/stack-credentials'

const execFileAsync = promisify(execFile)

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const ENV_IMAGES_FILE = `${REPO_ROOT}.env.images`
export const COMPOSE_FILE = `${REPO_ROOT}compose.yaml`
export const CREDENTIALS_FILE = credentialsFilePath(COMPOSE_FILE)
const SERVICE_IMAGE_KEYS = [
  'RABBITMQ_IMAGE',
  'ELASTICSEARCH_IMAGE',
  'SCRAPER_IMAGE',
  'API_IMAGE',
  'JOBBOARD_IMAGE'
] as const

export interface StackPorts {
  api: number
  jobboard: number
  rabbitmq: number
  rabbitmqManagement: number
  elasticsearch: number
}

export interface ContainerState {
  name: string
  service: string
  status: string
  health: string | null
}

/** Why the stack cannot be brought up here, or null if it can. */
export async function stackUnavailableReason(): Promise<string | null> {
  if (!existsSync(ENV_IMAGES_FILE)) return `${ENV_IMAGES_FILE} is missing: run npm run stack:images`
  const env = readEnvFile(ENV_IMAGES_FILE)
  for (const key of SERVICE_IMAGE_KEYS) {
    const image = env[key]
    if (image === undefined) return `${key} is not in .env.images: run npm run stack:images`
    try {
      await execFileAsync('docker', ['image', 'inspect', image])
    } catch {
      return `image ${image} is missing: run npm run stack:images`
    }
  }
  return null
}

export function readEnvFile(path: string): Record<string, string> {
  const entries: Record<string, string> = {}
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim())
    if (match?.[1] !== undefined && match[2] !== undefined) entries[match[1]] = match[2]
  }
  return entries
}

export interface ComposeProjectOptions {
  /** Name prefix; a random tag is appended. Default "sdstack". */
  prefix?: string
  /** Host ports; default free ones. */
  ports?: StackPorts
  /** More variables for compose.yaml's interpolation (JOBBOARD_HOSTILE_COUNT, …). */
  env?: Readonly<Record<string, string>>
}

export class ComposeProject {
  private constructor(
    readonly name: string,
    readonly ports: StackPorts,
    private readonly env: Readonly<Record<string, string>>,
    readonly credentials: StackCredentials
  ) {}

  static async create(options: ComposeProjectOptions = {}): Promise<ComposeProject> {
    const name = `${options.prefix ?? 'sdstack'}${Math.random().toString(36).slice(2, 8)}`
    const ports: StackPorts = options.ports ?? {
      api: await freePort(),
      jobboard: await freePort(),
      rabbitmq: await freePort(),
      rabbitmqManagement: await freePort(),
      elasticsearch: await freePort()
    }
    return new ComposeProject(name, ports, options.env ?? {}, ensureCredentialsFile(CREDENTIALS_FILE))
  }

  /** `amqp://user:password@127.0.0.1:<published port>` with the generated user. */
  get amqpUri(): string {
    return `amqp://${this.credentials.rabbitmqUser}:${this.credentials.rabbitmqPassword}@127.0.0.1:${this.ports.rabbitmq}`
  }

  /** The Basic authorization header value of the generated RabbitMQ user (its management API). */
  get rabbitmqAuth(): string {
    return basicAuth(this.credentials.rabbitmqUser, this.credentials.rabbitmqPassword)
  }

  /** The Basic authorization header value of Elasticsearch's `elastic` user. */
  get elasticAuth(): string {
    return basicAuth('elastic', this.credentials.elasticPassword)
  }

  get volumeName(): string {
    return `${this.name}_esdata`
  }

  get networkName(): string {
    return `${this.name}_default`
  }

  /** `docker-compose -p <name> --env-file .env.images -f compose.yaml <args>`; throws with its output on failure. */
  async compose(args: readonly string[], timeoutMs = 240_000): Promise<string> {
    const env = {
      ...process.env,
      ...this.env,
      API_PORT: String(this.ports.api),
      JOBBOARD_PORT: String(this.ports.jobboard),
      RABBITMQ_PORT: String(this.ports.rabbitmq),
      RABBITMQ_MANAGEMENT_PORT: String(this.ports.rabbitmqManagement),
      ELASTICSEARCH_PORT: String(this.ports.elasticsearch)
    }
    const fullArgs = ['-p', this.name, '--env-file', ENV_IMAGES_FILE, '-f', COMPOSE_FILE, ...args]
    try {
      const { stdout, stderr } = await execFileAsync('docker-compose', fullArgs, {
        cwd: REPO_ROOT,
        env,
        timeout: timeoutMs
      })
      return stdout + stderr
    } catch (error) {
      const {
        stdout = '',
        stderr = '',
        killed = false
      } = error as { stdout?: string; stderr?: string; killed?: boolean }
      const how = killed ? `was stopped after ${timeoutMs / 1000} s` : 'failed'
      throw new Error(`docker-compose ${args.join(' ')} ${how}: ${stderr || stdout || String(error)}`)
    }
  }

  /** The project's containers, found by the labels Compose puts on them. */
  async containers(): Promise<ContainerState[]> {
    const { stdout } = await execFileAsync('docker', [
      'ps',
      '-a',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${this.name}`
    ])
    const ids = stdout.split('\n').filter((id) => id !== '')
    if (ids.length === 0) return []
    const format =
      '{{.Name}}|{{index .Config.Labels "com.docker.compose.service"}}|{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}'
    const inspected = await execFileAsync('docker', ['inspect', '-f', format, ...ids])
    return inspected.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [name = '', service = '', status = '', health = ''] = line.split('|')
        return { name: name.replace(/^\//, ''), service, status, health: health === '' ? null : health }
      })
  }

  /** Waits until the project has `expected[service]` containers per service, all running and healthy. */
  /**
   * `tolerateUnhealthy`: keep waiting through "unhealthy" (on a loaded machine a health check
   * can time out on a healthy service); a container that exited still ends the wait.
   */
  async waitHealthy(
    expected: Readonly<Record<string, number>>,
    timeoutMs = 180_000,
    options: { tolerateUnhealthy?: boolean } = {}
  ): Promise<ContainerState[]> {
    const deadline = Date.now() + timeoutMs
    let last: ContainerState[] = []
    while (Date.now() < deadline) {
      last = await this.containers()
      const counts = Object.entries(expected).every(
        ([service, count]) => last.filter((c) => c.service === service).length === count
      )
      if (counts && last.every((c) => c.status === 'running' && c.health === 'healthy')) return last
      if (last.some((c) => (c.health === 'unhealthy' && options.tolerateUnhealthy !== true) || c.status === 'exited'))
        break
      await new Promise((resolve) => setTimeout(resolve, 1_000))
    }
    const summary = last.map((c) => `${c.name}: ${c.status}/${c.health ?? 'no healthcheck'}`).join(', ')
    throw new Error(`stack ${this.name} did not become healthy (expected ${JSON.stringify(expected)}): ${summary}`)
  }

  async resourceExists(kind: 'volume' | 'network', name: string): Promise<boolean> {
    try {
      await execFileAsync('docker', [kind, 'inspect', name])
      return true
    } catch {
      return false
    }
  }
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}
