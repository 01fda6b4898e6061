/**
 * Images on every node through the stack's registry, on a real single-node swarm, through the
 * panel (DECK_MODE=swarm) and a small compose file of the test's own: one service on an image
 * of the offline builder, one with `build:`. Deploy → every service spec's image is
 * `<registry>/<name>@sha256:…`, the digest the registry serves for that name; a rolling update
 * of the built service to a rebuilt image honours its `deploy.update_config` and ends with its
 * tasks on the new digest; down → no registry container, volume or tag left.
 */
import { requiredPart } from '../support/required-part'
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PanelUnderTest } from '../support/panel-under-test'
import { stackUnavailableReason } from '../stack/compose-project'
import {
  NODE_IMAGE,
  docker,
  downAndClose,
  hostnameWebService,
  joinSwarm,
  ok,
  stackLeftovers,
  swarmNodeState,
  swarmStackSettings
} from './swarm-fixture'
import type { SwarmSession, SwarmStack } from './swarm-fixture'

const unavailable = requiredPart('The stack images', await stackUnavailableReason())

let swarm: SwarmSession | undefined
let stack: SwarmStack
let panel: PanelUnderTest | undefined
let stateBefore = ''
let registry = ''
let dir = ''
const builtTags: string[] = []

/** The worker's image is named after the stack (the fixture sets COMPOSE_PROJECT_NAME): the test's own. */
const COMPOSE_FILE = `
services:
${hostnameWebService()}
  worker:
    image: \${COMPOSE_PROJECT_NAME}/worker:latest
    build: ./worker
    command: ["node", "-e", "setInterval(() => {}, 1000)"]
    stop_grace_period: 1s
    deploy:
      replicas: 2
      update_config:
        parallelism: 1
        delay: 1s
        order: start-first
        failure_action: rollback
        monitor: 2s
        max_failure_ratio: 0.5
`

const serviceImage = (name: string): string =>
  docker('service', 'inspect', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', `${stack.project}_${name}`)

/** What `docker inspect` says of a task, in the parts the rolling update's order is read from. */
interface SwarmTaskInfo {
  Slot: number
  CreatedAt: string
  Spec: { ContainerSpec: { Image: string } }
  Status: { State: string; Timestamp: string }
}

/** The digest the registry serves for repo:tag (its Docker-Content-Digest). */
async function registryDigest(repo: string, tag: string): Promise<string | null> {
  const res = await fetch(`http://${registry}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    signal: AbortSignal.timeout(5000)
  })
  return res.ok ? res.headers.get('docker-content-digest') : null
}

describe.skipIf(unavailable !== null)('the stack registry on a single-node swarm', () => {
  beforeAll(async () => {
    stateBefore = swarmNodeState()
    swarm = joinSwarm()
    try {
      dir = mkdtempSync(join(tmpdir(), 'deck-swarm-registry-'))
      mkdirSync(join(dir, 'worker'))
      writeFileSync(join(dir, 'worker', 'Dockerfile'), `FROM ${NODE_IMAGE}\nLABEL io.scrapedeck.test.build=1\n`)
      writeFileSync(join(dir, 'compose.yaml'), COMPOSE_FILE)
      stack = await swarmStackSettings('reg', { DECK_COMPOSE_FILE: join(dir, 'compose.yaml'), DECK_ENV_FILES: '.none' })
      registry = `127.0.0.1:${stack.ports.registry}`
      builtTags.push(`${stack.project}/worker:latest`)
      panel = new PanelUnderTest(stack.settings)
      await panel.start({ metrics: false })
    } catch (err) {
      swarm.leave()
      throw err
    }
  }, 60_000)

  afterAll(async () => {
    try {
      await downAndClose(panel, stack.project)
      for (const tag of builtTags) {
        try {
          docker('image', 'rm', tag)
        } catch {
          // not built (the suite stopped before up), or still used by a container going away
        }
      }
    } finally {
      swarm?.leave()
    }
    expect(swarmNodeState()).toBe(stateBefore)
  }, 120_000)

  it(
    'deploys every service pinned by the digest its image has in the stack registry',
    { timeout: 300_000 },
    async () => {
      const started = Date.now()
      ok(await panel!.invoke('up', {}))
      console.log(`swarm up with the registry (2 images pushed): ${((Date.now() - started) / 1000).toFixed(1)} s`)
      for (const [name, repo, tag] of [
        ['web', 'scrapedeck/node', '24'],
        ['worker', `${stack.project}/worker`, 'latest']
      ] as const) {
        const image = serviceImage(name)
        expect(image).toMatch(new RegExp(`^${registry.replace(/\./g, '\\.')}/${repo}@sha256:[0-9a-f]{64}$`))
        expect(image.split('@')[1]).toBe(await registryDigest(repo, tag))
      }
      const registryContainer = JSON.parse(
        docker('inspect', '--format', '{{json .HostConfig.PortBindings}}', `${stack.project}_registry`)
      ) as Record<string, { HostIp: string; HostPort: string }[]>
      expect(Object.values(registryContainer).flat()).toEqual([
        { HostIp: '127.0.0.1', HostPort: registry.split(':')[1] }
      ])
      const status = ok(await panel!.invoke('status', {}))
      expect(status.services.map((s) => [s.name, s.runningReplicas])).toEqual([
        ['web', 1],
        ['worker', 2]
      ])
    }
  )

  it(
    'rolls the built service to its rebuilt image as its update_config says: one task at a time, start-first',
    { timeout: 240_000 },
    async () => {
      const repo = `${stack.project}/worker`
      const before = serviceImage('worker')
      writeFileSync(join(dir, 'worker', 'Dockerfile'), `FROM ${NODE_IMAGE}\nLABEL io.scrapedeck.test.build=2\n`)
      const id = docker('service', 'inspect', '--format', '{{.ID}}', `${stack.project}_worker`)
      const started = Date.now()
      ok(await panel!.invoke('updateService', { service: 'worker' }))
      console.log(
        `swarm rolling update of 2 worker replicas (rebuild, push, roll): ${((Date.now() - started) / 1000).toFixed(1)} s`
      )
      const after = serviceImage('worker')
      expect(after).not.toBe(before)
      expect(after.split('@')[1]).toBe(await registryDigest(repo, 'latest'))
      const inspected = JSON.parse(docker('service', 'inspect', '--format', '{{json .}}', id)) as {
        UpdateStatus?: { State: string }
        Spec: { UpdateConfig: Record<string, unknown> }
      }
      expect(inspected.UpdateStatus?.State).toBe('completed')
      expect(inspected.Spec.UpdateConfig).toEqual({
        Parallelism: 1,
        Delay: 1e9,
        FailureAction: 'rollback',
        Monitor: 2e9,
        MaxFailureRatio: 0.5,
        Order: 'start-first'
      })
      const running = docker(
        'service',
        'ps',
        '--filter',
        'desired-state=running',
        '--format',
        '{{.Image}} {{.CurrentState}}',
        '--no-trunc',
        id
      ).split('\n')
      expect(running).toHaveLength(2)
      for (const task of running) expect(task).toMatch(new RegExp(`^${after.replace(/[.]/g, '\\.')} Running`))
      // The order, from the tasks' history: per slot the new task ran before the old one was
      // shut down (start-first), and the second slot's new task was made only after the first's
      // ran and the delay passed (parallelism 1).
      // Swarm calls the update complete once the new tasks run; the old ones end within their stop grace.
      const history = (): SwarmTaskInfo[] =>
        JSON.parse(docker('inspect', ...docker('service', 'ps', '-q', '--no-trunc', id).split('\n'))) as SwarmTaskInfo[]
      await expect
        .poll(
          () =>
            history()
              .filter((t) => t.Spec.ContainerSpec.Image === before)
              .map((t) => t.Status.State),
          { timeout: 15_000 }
        )
        .toEqual(['shutdown', 'shutdown'])
      const tasks = history()
      const at = (t: string): number => Date.parse(t)
      const fresh = tasks
        .filter((t) => t.Spec.ContainerSpec.Image === after)
        .sort((x, y) => at(x.CreatedAt) - at(y.CreatedAt))
      expect(fresh).toHaveLength(2)
      for (const task of fresh) {
        const old = tasks.find((t) => t.Slot === task.Slot && t.Spec.ContainerSpec.Image === before)!
        expect(
          at(task.Status.Timestamp),
          `slot ${task.Slot}: new task running before the old one stopped`
        ).toBeLessThan(at(old.Status.Timestamp))
      }
      expect(at(fresh[1]!.CreatedAt) - at(fresh[0]!.Status.Timestamp)).toBeGreaterThanOrEqual(900)
      // Nothing to roll when nothing changed: the same digest, no new update.
      const again = ok(await panel!.invoke('updateService', { service: 'worker' }))
      expect(again.summary.join(' ')).toMatch(/up to date/)
    }
  )

  it('down removes the services, the registry, its volume and its tags', { timeout: 120_000 }, async () => {
    ok(await panel!.invoke('down', { removeVolumes: true }))
    expect(stackLeftovers(stack.project)).toEqual([])
    expect(docker('ps', '-aq', '--filter', `name=${stack.project}_registry`)).toBe('')
    expect(
      docker('image', 'ls', '--format', '{{.Repository}}:{{.Tag}}')
        .split('\n')
        .filter((t) => t.startsWith(`${registry}/`))
    ).toEqual([])
  })
})
