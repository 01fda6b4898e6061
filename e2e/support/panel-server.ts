/**
 * The panel as a user starts it (`npm run web`), on a stack of its own: a unique compose
 * project, free loopback host ports for every published service, the controller pointed at
 * them (DECK_API_URL at the API's published port, for the crawl coordinator). `stop()` ends
 * the web shell and removes everything of the project (`down -v`).
 */
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from '@playwright/test'
import { freePort } from '../../test/support/free-port'
import { credentialsFilePath, ensureCredentialsFile } from '../../src/main/stack/credentials-file'
import { withUserinfo } from '../../src/shared/stack-credentials'
import { joinSwarm, stackLeftovers } from '../../test/swarm/swarm-fixture'
import type { SwarmSession } from '../../test/swarm/swarm-fixture'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export interface PanelServer {
  url: string
  project: string
  ports: Record<'api' | 'rabbitmq' | 'management' | 'elasticsearch' | 'jobboard' | 'web', number>
  /** The stack's broker as the panel reaches it (its published port), for peers a spec adds to the bus. */
  amqpUri: string
  /** Ends the web shell and starts it again on the same port and token (the stack stays up). */
  restartWebShell(): Promise<void>
  stop(): Promise<void>
}

/**
 * A spec's panel server: started before its tests, stopped after them. The test calls the
 * returned function first; it gives the running server, or skips the test saying which
 * prerequisite this machine lacks.
 */
export function panelServerForSpec(what: string, options: PanelServerOptions = {}): () => PanelServer {
  const unavailable = missingPrerequisite()
  let server: PanelServer | null = null
  test.beforeAll(async () => {
    if (unavailable === null) server = await startPanelServer(options)
  })
  test.afterAll(async () => {
    await server?.stop()
  })
  return () => {
    if (unavailable !== null) console.log(`Skipped ${what}: ${unavailable}.`)
    test.skip(unavailable !== null, unavailable ?? '')
    if (server === null) throw new Error('the panel server did not start')
    return server
  }
}

/** Why the real-stack e2e cannot run here, or null when it can. */
export function missingPrerequisite(): string | null {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore' })
  } catch {
    return 'no Docker engine answers (`docker info` failed); start dockerd'
  }
  if (!existsSync(join(REPO, '.env.images')))
    return 'no container images yet: run `npm run stack:images` (it writes .env.images)'
  if (!commandExists('docker-compose')) {
    return 'docker-compose (v1) is not installed; it is used to tear the stack down'
  }
  return null
}

function commandExists(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export interface PanelServerOptions {
  /** More of compose.yaml's variables for the stack, e.g. JOBBOARD_COUNT / JOBBOARD_LATENCY_MS for a big, slow board. */
  stackEnv?: Record<string, string>
  /** DECK_UP_TIMEOUT_MS: how long each dependency may take to turn healthy (default 7 min). */
  upTimeoutMs?: number
  /**
   * The stack on a single-node swarm (DECK_MODE=swarm): the engine is made a swarm manager
   * for the spec unless it is one, and left as it was found by stop().
   */
  swarm?: boolean
}

export async function startPanelServer(options: PanelServerOptions = {}): Promise<PanelServer> {
  const project = `decke2e${randomBytes(3).toString('hex')}`
  const ports = {
    api: await freePort(),
    rabbitmq: await freePort(),
    management: await freePort(),
    elasticsearch: await freePort(),
    jobboard: await freePort(),
    web: await freePort()
  }
  const token = randomBytes(18).toString('base64url')
  const swarm = options.swarm === true ? joinSwarm() : null
  const stackEnv = {
    API_PORT: String(ports.api),
    RABBITMQ_PORT: String(ports.rabbitmq),
    RABBITMQ_MANAGEMENT_PORT: String(ports.management),
    ELASTICSEARCH_PORT: String(ports.elasticsearch),
    JOBBOARD_PORT: String(ports.jobboard),
    ...options.stackEnv
  }
  const env = {
    ...process.env,
    ...stackEnv,
    DECK_PROJECT: project,
    DECK_WEB_PORT: String(ports.web),
    DECK_WEB_TOKEN: token,
    DECK_METRICS_INTERVAL_MS: '1000',
    // A loaded machine (CI beside other jobs) can take minutes to start Elasticsearch.
    DECK_UP_TIMEOUT_MS: String(options.upTimeoutMs ?? 420_000),
    // The AMQP, management and Elasticsearch endpoints the panel derives from the ports above,
    // with the stack's generated credentials (the file it writes beside compose.yaml).
    DECK_API_URL: `http://127.0.0.1:${ports.api}`,
    LOG_LEVEL: 'warn',
    // On a swarm, the stack's registry on a free loopback port too.
    ...(swarm === null ? {} : { DECK_MODE: 'swarm', DECK_SWARM_REGISTRY: `127.0.0.1:${await freePort()}` })
  }
  const launch = async (): Promise<{ child: ChildProcess; url: string }> => {
    // Its own process group: `npx` and `tsx` are wrappers, and a signal to the wrapper alone
    // leaves the node process behind (found orphaned after a CI run).
    const child = spawn('npx', ['tsx', 'src/main/web/main.ts'], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    return { child, url: await waitForUrl(child) }
  }
  let shell: { child: ChildProcess; url: string }
  try {
    shell = await launch()
  } catch (err) {
    swarm?.leave()
    throw err
  }

  return {
    url: shell.url,
    project,
    ports,
    amqpUri: stackAmqpUri(ports.rabbitmq),
    restartWebShell: async (): Promise<void> => {
      await endProcessGroup(shell.child)
      shell = await launch()
    },
    stop: async (): Promise<void> => {
      await endProcessGroup(shell.child)
      if (swarm === null) tearDownProject(project, stackEnv)
      else tearDownSwarmStack(project, env, swarm)
    }
  }
}

/** SIGTERM to the whole group, SIGKILL after 10 s; resolves when the wrapper has exited. */
async function endProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return
  const exited = new Promise((r) => child.once('exit', r))
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), name)
    } catch {
      // The group is already gone.
    }
  }
  signal('SIGTERM')
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
  signal('SIGKILL')
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`npm run web printed no URL in 120 s:\n${output}`)), 120_000)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const match = /scrapedeck web shell: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolveUrl(match[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      process.stderr.write(chunk)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`npm run web exited with ${code} before printing its URL:\n${output}`))
    })
  })
}

/** `docker-compose down -v` for the project, then anything left with its label (a failed run). */
function tearDownProject(project: string, stackEnv: Record<string, string>): void {
  try {
    execFileSync(
      'docker-compose',
      ['-f', 'compose.yaml', '--env-file', '.env.images', '-p', project, 'down', '-v', '--remove-orphans', '-t', '5'],
      {
        cwd: REPO,
        env: { ...process.env, ...stackEnv },
        stdio: 'ignore'
      }
    )
  } catch {
    // Fall through to the label sweep below.
  }
  const label = `label=com.docker.compose.project=${project}`
  const list = (args: string[]): string[] =>
    execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean)
  const containers = list(['ps', '-aq', '--filter', label])
  if (containers.length > 0) execFileSync('docker', ['rm', '-f', '-v', ...containers], { stdio: 'ignore' })
  const networks = list(['network', 'ls', '-q', '--filter', label])
  if (networks.length > 0) execFileSync('docker', ['network', 'rm', ...networks], { stdio: 'ignore' })
  const volumes = list(['volume', 'ls', '-q', '--filter', label])
  if (volumes.length > 0) execFileSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' })
}

/** `deck --swarm down --volumes`, anything of the stack still there (a failed run), then the swarm as found. */
function tearDownSwarmStack(project: string, env: NodeJS.ProcessEnv, swarm: SwarmSession): void {
  try {
    execFileSync('npx', ['tsx', 'src/main/cli/deck.ts', 'down', '--volumes'], {
      cwd: REPO,
      env,
      stdio: 'ignore',
      timeout: 180_000
    })
  } catch {
    // Fall through to the sweep below.
  }
  for (const leftover of stackLeftovers(project)) {
    const [kind, id] = leftover.split(' ') as [string, string]
    try {
      execFileSync('docker', kind === 'container' ? ['rm', '-f', '-v', id] : [kind, 'rm', id], { stdio: 'ignore' })
    } catch {
      // Gone already, or going: leaving the swarm removes its services anyway.
    }
  }
  swarm.leave()
}

/** An active listing id of the stack's job board, read from its catalog on the loopback port. */
export async function activeListingId(jobboardPort: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${jobboardPort}/jobs.json`)
  const body = (await response.json()) as { jobs: { id: string; status: string; structure: string }[] }
  const job =
    body.jobs.find((j) => j.status === 'active' && j.structure === 'json-ld') ??
    body.jobs.find((j) => j.status === 'active')
  if (!job) throw new Error('the job board lists no active job')
  return job.id
}

/** The stack's AMQP endpoint with its generated user (the file the panel made beside compose.yaml). */
function stackAmqpUri(port: number): string {
  const credentials = ensureCredentialsFile(credentialsFilePath(join(REPO, 'compose.yaml')))
  return withUserinfo(`amqp://127.0.0.1:${port}`, credentials.rabbitmqUser, credentials.rabbitmqPassword)
}
