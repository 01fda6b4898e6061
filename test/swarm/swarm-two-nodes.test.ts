/**
 * Two nodes: the shared engine as the manager, and a second engine of the test's own making
 * (Debian's docker.io in a container, scrapedeck/dind from the offline image builder) joined
 * as a worker over the default bridge. A service of two replicas deployed through the panel
 * lands on both nodes, the worker pulls its image from the stack's registry on the manager by
 * digest, the panel shows which node runs which replica, and the manager's loopback relay
 * reaches the replica on the worker over the overlay network.
 *
 * The registry reference stays 127.0.0.1:<port> (every engine trusts a loopback registry over
 * plain HTTP; the shared engine's daemon config is not ours to change): on the worker, its own
 * 127.0.0.1:<port> forwards to the manager (dind-entrypoint.sh), through a forwarder bound to
 * the bridge's gateway address only. The full stack (a crawl with the worker's scrapers) is
 * not run on two nodes here: Elasticsearch or RabbitMQ placed on the vfs-backed worker would
 * take most of the machine.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PanelUnderTest } from '../support/panel-under-test'
import { freePort } from '../support/free-port'
import { stackUnavailableReason } from '../stack/compose-project'
import { NODE_IMAGE, docker, downAndClose, hostnameWebService, joinSwarm, ok, stackLeftovers, swarmNodeState, swarmStackSettings } from './swarm-fixture'
import type { SwarmSession, SwarmStack } from './swarm-fixture'

const DIND_IMAGE = process.env['DIND_IMAGE'] || 'scrapedeck/dind:bookworm'

function imageMissing(): string | null {
  try {
    docker('image', 'inspect', '--format', '{{.Id}}', DIND_IMAGE)
    return null
  } catch {
    return `the worker's image ${DIND_IMAGE} is not built (npm run stack:images builds it)`
  }
}
const engineInSwarm = (): string | null => (swarmNodeState() === 'inactive' ? null : 'the engine is in a swarm already: a second node needs a manager that advertises the bridge gateway, and this one is not ours to re-init')
const unavailable = (await stackUnavailableReason()) ?? imageMissing() ?? engineInSwarm()
if (unavailable !== null) console.warn(`Skipping the two-node swarm suite: ${unavailable}`)

const COMPOSE_FILE = `services:\n${hostnameWebService('ports: ["127.0.0.1:${WEB_PORT}:8080"]', 'deploy: { replicas: 2 }')}\n`

let swarm: SwarmSession | undefined
let stack: SwarmStack
let panel: PanelUnderTest | undefined
let worker = ''
let forwarder = ''
let webPort = 0
const inWorker = (...args: string[]): string => docker('exec', worker, 'docker', ...args)


function getOnNewConnection(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve(body))
    })
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 5 s`)))
    req.on('error', reject)
  })
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (check()) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs / 1000} s for ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

function removeWorkerAndForwarder(): void {
  for (const name of [worker, forwarder].filter(Boolean)) {
    try {
      docker('rm', '--force', '--volumes', name)
    } catch {
      // never started
    }
  }
}

describe.skipIf(unavailable !== null)('the stack on two nodes: the manager and a dind worker', () => {
  beforeAll(async () => {
    // The worker reaches the manager at the default bridge's gateway: an address of this machine.
    const gateway = docker('network', 'inspect', 'bridge', '--format', '{{(index .IPAM.Config 0).Gateway}}')
    swarm = joinSwarm(gateway)
    try {
      webPort = await freePort()
      const dir = mkdtempSync(join(tmpdir(), 'deck-swarm-two-'))
      writeFileSync(join(dir, 'compose.yaml'), COMPOSE_FILE)
      stack = await swarmStackSettings('two', { DECK_COMPOSE_FILE: join(dir, 'compose.yaml'), DECK_ENV_FILES: '.none', DECK_SWARM_RELAY_IMAGE: NODE_IMAGE, WEB_PORT: String(webPort) })
      const registryPort = stack.ports.registry
      const bridgePort = await freePort()
      worker = `${stack.project}-worker`
      forwarder = `${stack.project}-registry-forward`
      // Bound to the gateway address only: the worker's way to the manager's loopback registry.
      docker('run', '-d', '--name', forwarder, '--network', 'host', '--entrypoint', 'socat', DIND_IMAGE, `TCP-LISTEN:${bridgePort},bind=${gateway},fork,reuseaddr`, `TCP:127.0.0.1:${registryPort}`)
      // Not --privileged (this engine cannot grant every capability): what dockerd needs, and a writable cgroup tree.
      docker(
        'run', '-d', '--name', worker, '--hostname', worker,
        '--cap-add', 'SYS_ADMIN', '--cap-add', 'NET_ADMIN', '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined',
        '-v', '/sys/fs/cgroup:/sys/fs/cgroup:rw', '-e', `DIND_LOOPBACK_FORWARD=${registryPort}=${gateway}:${bridgePort}`,
        DIND_IMAGE, '--storage-driver=vfs'
      )
      await until("the worker's engine", () => inWorker('info', '--format', '{{.ServerVersion}}') !== '', 60_000)
      inWorker('swarm', 'join', '--token', docker('swarm', 'join-token', '-q', 'worker'), `${gateway}:2377`)
      await until('two ready nodes', () => docker('node', 'ls', '--format', '{{.Status}}').split('\n').filter((s) => s === 'Ready').length === 2, 60_000)
      panel = new PanelUnderTest(stack.settings)
      await panel.start({ metrics: false })
    } catch (err) {
      removeWorkerAndForwarder()
      swarm.leave()
      throw err
    }
  }, 180_000)

  afterAll(async () => {
    try {
      await downAndClose(panel, stack.project)
      try {
        inWorker('swarm', 'leave', '--force')
      } catch {
        // the worker never joined
      }
      removeWorkerAndForwarder()
      for (const id of docker('node', 'ls', '--filter', 'role=worker', '--format', '{{.ID}}').split('\n').filter(Boolean)) docker('node', 'rm', '--force', id)
    } finally {
      swarm?.leave()
    }
    expect(swarmNodeState()).toBe('inactive')
  }, 120_000)

  it('places a replica on each node, the worker pulling it from the registry by digest, and says which node runs which', { timeout: 300_000 }, async () => {
    const started = Date.now()
    ok(await panel!.invoke('up', {}))
    console.log(`two-node swarm up (push, the worker's pull through the registry): ${((Date.now() - started) / 1000).toFixed(1)} s`)
    const web = ok(await panel!.invoke('status', {})).services.find((s) => s.name === 'web')!
    expect(web.runningReplicas).toBe(2)
    const manager = docker('node', 'ls', '--filter', 'role=manager', '--format', '{{.Hostname}}')
    expect(new Set(web.containers.map((c) => c.task?.node))).toEqual(new Set([manager, worker]))
    const image = docker('service', 'inspect', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', `${stack.project}_web`)
    expect(image).toMatch(new RegExp(`^127\\.0\\.0\\.1:${stack.ports.registry}/scrapedeck/node@sha256:[0-9a-f]{64}$`))
    expect(inWorker('image', 'ls', '--digests', '--format', '{{.Repository}}@{{.Digest}}').split('\n')).toContain(image)
  })

  it("the manager's loopback relay reaches the replica on the worker over the overlay network", { timeout: 60_000 }, async () => {
    // A new connection per request (fetch would keep one alive): the relay takes the tasks in turn.
    const answers = new Set<string>()
    for (let i = 0; i < 20 && answers.size < 2; i++) answers.add(await getOnNewConnection(`http://127.0.0.1:${webPort}/`))
    const onWorker = inWorker('ps', '-q', '--filter', `label=com.docker.stack.namespace=${stack.project}`)
    expect(onWorker).not.toBe('')
    // A task's hostname is its container id's first 12 characters, on whichever node it runs.
    expect(answers).toContain(onWorker.split('\n')[0]!.slice(0, 12))
    expect(answers.size).toBe(2)
  })

  it('down removes the tasks on both nodes and the registry', { timeout: 120_000 }, async () => {
    ok(await panel!.invoke('down', { removeVolumes: true }))
    expect(stackLeftovers(stack.project)).toEqual([])
    await until("the worker's task containers to go", () => inWorker('ps', '-aq', '--filter', `label=com.docker.stack.namespace=${stack.project}`) === '', 30_000)
  })
})
