/** Shared setup of the engine tests: a unique project on the fixture stack, free loopback ports. */
import { copyFileSync, existsSync, mkdtempSync, realpathSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { execFileSync, spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import { startupPanelConfig } from '../support/panel-settings'
import type { PanelSettings } from '../../src/main/config/panel-config'
import { freePort } from '../support/free-port'
import { loadComposeProject } from '../../src/main/stack/compose-file'
import { FileApprovals, HostAccessGate } from '../../src/main/stack/host-access-gate'
export { freePort } from '../support/free-port'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const STACK_FILE = join(REPO, 'test/engine/fixtures/stack/compose.yaml')
/**
 * The CLI as `npm run deck` runs it, minus npm: npm's own warnings about the machine's npmrc
 * would land in the stderr the tests read.
 */
export const DECK_COMMAND = [join(REPO, 'node_modules/.bin/tsx'), 'src/main/cli/deck.ts'] as const

export function suffix(): string {
  return randomBytes(3).toString('hex')
}

/** The node image's build context needs the host's node binary (too big to commit). */
export function prepareNodeContext(): void {
  const target = join(REPO, 'test/engine/fixtures/stack/node/node')
  if (existsSync(target)) return
  // Copied beside it and renamed into place: another test file running at the same time sees
  // either no binary or the whole of it, never a half-written one in its build context.
  const partial = `${target}.${process.pid}`
  copyFileSync(realpathSync(process.execPath), partial)
  renameSync(partial, target)
}

export interface FixtureStack {
  project: string
  echoService: string
  amqpPort: number
  mgmtPort: number
  amqpUri: string
  managementUrl: string
  config: PanelSettings
  /** Environment for docker-compose v1 run against the same file and project. */
  composeEnv: NodeJS.ProcessEnv
}

export async function fixtureStack(name: string): Promise<FixtureStack> {
  prepareNodeContext()
  const project = `deck${name}${suffix()}`
  const echoService = `deck_test_echo_${suffix()}`
  const amqpPort = await freePort()
  const mgmtPort = await freePort()
  const vars = {
    DECK_TEST_REPO: REPO,
    DECK_TEST_AMQP_PORT: String(amqpPort),
    DECK_TEST_MGMT_PORT: String(mgmtPort),
    DECK_TEST_ECHO_SERVICE: echoService
  }
  // The compose file interpolates from the process environment, as the Compose CLI does.
  Object.assign(process.env, vars)
  const amqpUri = `amqp://guest:guest@127.0.0.1:${amqpPort}`
  const managementUrl = `http://127.0.0.1:${mgmtPort}`
  const config = startupPanelConfig(
    {
      DECK_COMPOSE_FILE: STACK_FILE,
      DECK_PROJECT: project,
      AMQP_URI: amqpUri,
      RABBITMQ_MANAGEMENT_URL: managementUrl,
      DECK_RPC_SERVICES: `echo=${echoService}`,
      DECK_METRICS_INTERVAL_MS: '500'
    },
    REPO
  )
  acceptHostAccess(config)
  return {
    project,
    echoService,
    amqpPort,
    mgmtPort,
    amqpUri,
    managementUrl,
    config,
    composeEnv: { ...process.env, ...vars }
  }
}

/**
 * The fixture stack mounts the repository (outside its folder) read-only, which the
 * pre-flight rightly names; the tests accept it as a user would, in their own approvals file.
 */
function acceptHostAccess(config: PanelSettings): void {
  config.hostAccessFile = join(mkdtempSync(join(tmpdir(), 'deck-approvals-')), 'host-access.json')
  const project = loadComposeProject({
    file: config.composeFile,
    project: config.project,
    envFiles: config.envFiles,
    compat: config.composeCompat
  })
  const gate = new HostAccessGate(new FileApprovals(config.hostAccessFile))
  gate.admit(project, [...project.services.keys()], gate.preflight(project).fileHash)
}

/** Why `docker compose` (v2, the CLI plugin) cannot run here, or null when it can. */
export function composeV2UnavailableReason(): string | null {
  try {
    const version = execFileSync('docker', ['compose', 'version', '--short'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    }).trim()
    return version.startsWith('2.') ? null : `\`docker compose version\` says "${version}", not 2.x`
  } catch {
    return 'the Docker Compose v2 CLI plugin is not installed (scripts/setup-host.sh install_compose_v2 builds it)'
  }
}

/** Runs Compose v1 (`docker-compose`) or v2 (`docker compose`) on a file and project; returns stdout and stderr. */
export function composeCli(
  tool: 'v1' | 'v2',
  file: string,
  project: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env
): string {
  const [cmd, pre] = tool === 'v1' ? ['docker-compose', []] : ['docker', ['compose']]
  const result = spawnSync(cmd, [...pre, '-f', file, '-p', project, ...args], { env, encoding: 'utf8' })
  if (result.status !== 0)
    throw new Error(`${cmd} ${[...pre, ...args].join(' ')} failed (${result.status}): ${result.stderr}`)
  return result.stdout + result.stderr
}

export function dockerCompose(stack: FixtureStack, args: string[]): string {
  return execFileSync('docker-compose', ['-f', STACK_FILE, '-p', stack.project, ...args], {
    env: stack.composeEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

/** Removes everything of a project (containers, networks, volumes), whatever made it (cleanup after a failed test). */
export function removeProject(project: string): void {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], {
    encoding: 'utf8'
  })
    .split('\n')
    .filter(Boolean)
  if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' })
  const nets = execFileSync(
    'docker',
    ['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`],
    { encoding: 'utf8' }
  )
    .split('\n')
    .filter(Boolean)
  if (nets.length > 0) execFileSync('docker', ['network', 'rm', ...nets], { stdio: 'ignore' })
  const volumes = execFileSync(
    'docker',
    ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`],
    { encoding: 'utf8' }
  )
    .split('\n')
    .filter(Boolean)
  if (volumes.length > 0) execFileSync('docker', ['volume', 'rm', ...volumes], { stdio: 'ignore' })
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 60_000,
  everyMs = 100
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== null && value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
