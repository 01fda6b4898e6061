/**
 * A single-node swarm for a test: the shared engine put into swarm mode for the suite and
 * left as it was found (an engine already in a swarm is someone else's: used, never left),
 * and the panel's settings for a throwaway stack of compose.yaml on it, on free loopback ports.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startupPanelConfig } from '../support/panel-settings'
import type { PanelSettings } from '../../src/main/config/panel-config'
import { freePort } from '../support/free-port'
import type { PanelUnderTest } from '../support/panel-under-test'
import { REPO_ROOT } from '../stack/compose-project'

const docker = (...args: string[]): string =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()

export const swarmNodeState = (): string => docker('info', '--format', '{{.Swarm.LocalNodeState}}')

export interface SwarmSession {
  /** False when the engine was in a swarm already: then this suite must not leave it. */
  madeByUs: boolean
  leave(): void
}

/**
 * Makes the engine a swarm manager unless it is one; `leave()` undoes only what this did.
 * It advertises 127.0.0.1 (one node) unless told another of this machine's addresses (one a
 * worker in a container of the test's own can reach).
 */
export function joinSwarm(advertiseAddr = '127.0.0.1'): SwarmSession {
  const before = swarmNodeState()
  if (before === 'active') return { madeByUs: false, leave: () => undefined }
  if (before !== 'inactive') throw new Error(`The engine's swarm state is "${before}": not touching it`)
  const hadGatewayBridge = docker('network', 'ls', '--format', '{{.Name}}').split('\n').includes('docker_gwbridge')
  docker('swarm', 'init', '--advertise-addr', advertiseAddr)
  return {
    madeByUs: true,
    leave() {
      if (swarmNodeState() === 'inactive') return
      docker('swarm', 'leave', '--force')
      // swarm init made the gateway bridge; leaving keeps it. Gone, the engine is as it was.
      if (!hadGatewayBridge) {
        try {
          docker('network', 'rm', 'docker_gwbridge')
        } catch {
          // still in use by a container that is going away: harmless, and not ours to force
        }
      }
    }
  }
}

export interface SwarmStack {
  project: string
  settings: PanelSettings
  ports: {
    api: number
    jobboard: number
    rabbitmq: number
    management: number
    elasticsearch: number
    registry: number
  }
}

export async function swarmStackSettings(label: string, extra: Record<string, string> = {}): Promise<SwarmStack> {
  const project = `sd${label}${Math.random().toString(36).slice(2, 7)}`
  const ports = {
    api: await freePort(),
    jobboard: await freePort(),
    rabbitmq: await freePort(),
    management: await freePort(),
    elasticsearch: await freePort(),
    registry: await freePort()
  }
  const vars: Record<string, string> = {
    DECK_MODE: 'swarm',
    DECK_PROJECT: project,
    COMPOSE_PROJECT_NAME: project,
    DECK_COMPOSE_FILE: join(REPO_ROOT, 'compose.yaml'),
    DECK_HOST_ACCESS_FILE: join(mkdtempSync(join(tmpdir(), 'deck-swarm-')), 'host-access.json'),
    DECK_STATUS_REFRESH_MS: '5000',
    API_PORT: String(ports.api),
    JOBBOARD_PORT: String(ports.jobboard),
    RABBITMQ_PORT: String(ports.rabbitmq),
    RABBITMQ_MANAGEMENT_PORT: String(ports.management),
    ELASTICSEARCH_PORT: String(ports.elasticsearch),
    DECK_SWARM_REGISTRY: `127.0.0.1:${ports.registry}`,
    AMQP_URI: '',
    RABBITMQ_MANAGEMENT_URL: '',
    ELASTICSEARCH_URL: '',
    DECK_API_URL: '',
    ...extra
  }
  // The compose file interpolates from the process environment, as the Compose CLI does.
  Object.assign(process.env, vars)
  return { project, ports, settings: startupPanelConfig(process.env, REPO_ROOT) }
}

/** What the stack left on the engine: its services, networks, volumes and containers, by the stack label. */
export function stackLeftovers(project: string): string[] {
  const label = `label=com.docker.stack.namespace=${project}`
  const state = swarmNodeState()
  const services = state === 'active' ? docker('service', 'ls', '-q', '--filter', label).split('\n') : []
  return [
    ...services.filter(Boolean).map((s) => `service ${s}`),
    ...docker('network', 'ls', '-q', '--filter', label)
      .split('\n')
      .filter(Boolean)
      .map((n) => `network ${n}`),
    ...docker('volume', 'ls', '-q', '--filter', label)
      .split('\n')
      .filter(Boolean)
      .map((v) => `volume ${v}`),
    ...docker('ps', '-aq', '--filter', label)
      .split('\n')
      .filter(Boolean)
      .map((c) => `container ${c}`)
  ]
}

/** The offline builder's node image: what the suites' small compose files run. */
export const NODE_IMAGE = 'scrapedeck/node:24'

/** A compose service `web` on NODE_IMAGE answering every HTTP request on 8080 with its hostname, plus these YAML lines. */
export function hostnameWebService(...lines: string[]): string {
  const serve = "require('node:http').createServer((q, s) => s.end(require('node:os').hostname())).listen(8080)"
  return [
    '  web:',
    `    image: ${NODE_IMAGE}`,
    `    command: ["node", "-e", "${serve}"]`,
    '    stop_grace_period: 1s',
    ...lines.map((l) => `    ${l}`)
  ].join('\n')
}

/** An operation's value, or the panel's error as a thrown one (kind and message). */
export function ok<T>(result: { ok: true; value: T } | { ok: false; error: { kind: string; message: string } }): T {
  if (!result.ok) throw new Error(`${result.error.kind}: ${result.error.message}`)
  return result.value
}

/** The suite's teardown: down (with volumes) if the stack left anything, then the panel closed. */
export async function downAndClose(panel: PanelUnderTest | undefined, project: string): Promise<void> {
  if (panel !== undefined && stackLeftovers(project).length > 0) await panel.invoke('down', { removeVolumes: true })
  await panel?.close()
}

export { docker }
