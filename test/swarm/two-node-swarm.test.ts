/**
 * Two swarm nodes of the test's own making: a manager and a worker, each a dind container
 * (test/swarm/dind-pair.ts) on a bridge network of the test's own, so the shared engine's
 * swarm state is never touched and this suite can run beside the single-node swarm suite.
 * Proves what a two-node stack rests on here: the worker joins, a service's replicas spread
 * one per node, and a task on the manager reaches the task on the worker over a VXLAN overlay
 * network by the service's dnsrr task addresses (this kernel has no IPVS, so no VIPs).
 * Then the panel drives compose.yaml as a stack on that pair (its engine endpoint the dind
 * manager's socket): the worker pulls from the stack's registry at the manager's address,
 * the scraper scaled to 4 runs on both nodes, the panel names each replica's node, and a crawl
 * of the board completes with the worker's scrapers taking part.
 */
import { requiredPart } from '../support/required-part'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../engine/engine-fixture'
import { freePort } from '../support/free-port'
import { PanelUnderTest } from '../support/panel-under-test'
import { ENV_IMAGES_FILE, readEnvFile, stackUnavailableReason } from '../stack/compose-project'
import { DindPair, dindPairUnavailableReason } from './dind-pair'
import { swarmStackSettings } from './swarm-fixture'
import type { SwarmStack } from './swarm-fixture'

const SERVICE_IMAGE = process.env['DEBIAN_IMAGE'] || 'scrapedeck/debian:bookworm'
const ECHO_PORT = 9000
// Each replica answers every connection with its hostname (its container id's first 12
// characters). Perl, because the minbase image has it and no netcat.
const HOSTNAME_SERVER = `use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalPort => ${ECHO_PORT}, Listen => 5, ReuseAddr => 1) or die "listen: $!"; while (my $c = $s->accept) { print $c \`hostname\`; close $c }`
// From a task: every address of tasks.<service>, each connection's answer or its error.
const ASK_EVERY_TASK = (service: string): string =>
  `for ip in $(getent hosts tasks.${service} | cut -d' ' -f1); do answer=$(exec 3<>/dev/tcp/$ip/${ECHO_PORT} && timeout 3 cat <&3) && echo "$ip $answer" || echo "$ip unreachable"; done`

const unavailable = requiredPart('The dind image and a Docker engine', await dindPairUnavailableReason())

interface Task {
  Status: { State: string; ContainerStatus?: { ContainerID?: string } }
  NodeID: string
}

describe.skipIf(unavailable !== null)('a swarm of two dind nodes', () => {
  const pair = new DindPair()
  const service = 'echo'
  const overlay = 'echo-net'

  beforeAll(async () => {
    const started = Date.now()
    try {
      await pair.start()
      console.log(`two dind engines up and in one swarm: ${((Date.now() - started) / 1000).toFixed(1)} s`)
      await pair.loadImages([SERVICE_IMAGE])
    } catch (err) {
      await pair.remove()
      throw err
    }
  }, 180_000)

  afterAll(async () => {
    await pair.remove()
  }, 120_000)

  it('the worker joins the manager', async () => {
    const nodes = (await pair.manager.engine.listNodes()) as Array<{
      Description: { Hostname: string }
      Spec: { Role: string }
      Status: { State: string }
    }>
    const byHost = Object.fromEntries(nodes.map((n) => [n.Description.Hostname, `${n.Spec.Role} ${n.Status.State}`]))
    expect(byHost).toEqual({ [pair.manager.name]: 'manager ready', [pair.worker.name]: 'worker ready' })
  })

  it(
    'spreads two replicas one per node, and a task on the manager reaches the one on the worker over the overlay',
    { timeout: 120_000 },
    async () => {
      const manager = pair.manager.engine
      await manager.createNetwork({ Name: overlay, Driver: 'overlay', Attachable: true })
      await manager.createService({
        Name: service,
        TaskTemplate: {
          ContainerSpec: { Image: SERVICE_IMAGE, Args: ['perl', '-e', HOSTNAME_SERVER] },
          Networks: [{ Target: overlay }],
          Placement: { MaxReplicas: 1 }
        },
        Mode: { Replicated: { Replicas: 2 } },
        EndpointSpec: { Mode: 'dnsrr' }
      })
      const tasks = await waitFor(
        'two running tasks',
        async () => {
          const list = (await manager.listTasks({
            filters: { service: [service], 'desired-state': ['running'] }
          })) as Task[]
          return list.length === 2 && list.every((t) => t.Status.State === 'running') ? list : null
        },
        60_000,
        500
      )
      const nodes = (await manager.listNodes()) as Array<{ ID: string; Description: { Hostname: string } }>
      const nodeOf = (t: Task): string => nodes.find((n) => n.ID === t.NodeID)?.Description.Hostname ?? t.NodeID
      expect(new Set(tasks.map(nodeOf))).toEqual(new Set([pair.manager.name, pair.worker.name]))

      const onManager = pair.manager.cli('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`)
      const onWorker = pair.worker.cli('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`)
      expect(onManager).toMatch(/^[0-9a-f]{12}$/)
      expect(onWorker).toMatch(/^[0-9a-f]{12}$/)
      // The listeners may still be starting: ask until both tasks answer.
      const answers = await waitFor(
        'both tasks answering over the overlay',
        () => {
          const lines = pair.manager.cli('exec', onManager, 'bash', '-c', ASK_EVERY_TASK(service)).split('\n')
          const names = lines.map((l) => l.split(' ')[1]).filter((n) => n !== 'unreachable')
          return names.length === 2 ? lines : null
        },
        30_000,
        500
      )
      console.log(`from the manager's task over the overlay: ${answers.join('; ')}`)
      expect(new Set(answers.map((l) => l.split(' ')[1]))).toEqual(new Set([onManager, onWorker]))
    }
  )
})

const stackUnavailable = unavailable ?? requiredPart('The stack images', await stackUnavailableReason())
if (stackUnavailable !== null && unavailable === null)
  console.warn(`Skipping the two-node (dind) stack suite: ${stackUnavailable}`)

function ok<T>(result: { ok: true; value: T } | { ok: false; error: { kind: string; message: string } }): T {
  if (!result.ok) throw new Error(`${result.error.kind}: ${result.error.message}`)
  return result.value
}

describe.skipIf(stackUnavailable !== null)('compose.yaml through the panel on a swarm of two dind nodes', () => {
  let pair: DindPair
  let stack: SwarmStack
  let panel: PanelUnderTest | undefined
  const scraperTasksOn = (node: DindPair['worker']): string[] =>
    node
      .cli('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${stack.project}_scraper`)
      .split('\n')
      .filter(Boolean)

  beforeAll(async () => {
    const started = Date.now()
    const ports = {
      api: await freePort(),
      jobboard: await freePort(),
      rabbitmq: await freePort(),
      management: await freePort(),
      elasticsearch: await freePort(),
      registry: await freePort()
    }
    pair = new DindPair({
      loopbackPorts: [ports.api, ports.jobboard, ports.rabbitmq, ports.management, ports.elasticsearch]
    })
    try {
      await pair.start()
      const hostDocker = process.env['DOCKER_HOST']
      stack = await swarmStackSettings('dn', {
        DOCKER_HOST: pair.manager.endpoint,
        DECK_SWARM_REGISTRY: `${pair.manager.address}:${ports.registry}`,
        API_PORT: String(ports.api),
        JOBBOARD_PORT: String(ports.jobboard),
        RABBITMQ_PORT: String(ports.rabbitmq),
        RABBITMQ_MANAGEMENT_PORT: String(ports.management),
        ELASTICSEARCH_PORT: String(ports.elasticsearch),
        JOBBOARD_LATENCY_MS: '20',
        DECK_UP_TIMEOUT_MS: '300000'
      })
      stack.ports = ports
      // The settings hold the manager's endpoint; everything else here talks to the shared engine.
      if (hostDocker === undefined) delete process.env['DOCKER_HOST']
      else process.env['DOCKER_HOST'] = hostDocker
      // The stack's images exist only on this machine: into the manager, where the panel pushes
      // them to the stack's registry, from which the worker pulls what swarm places there.
      const images = readEnvFile(ENV_IMAGES_FILE)
      const needed = [
        ...['RABBITMQ_IMAGE', 'ELASTICSEARCH_IMAGE', 'SCRAPER_IMAGE', 'API_IMAGE', 'JOBBOARD_IMAGE'].map(
          (key) => images[key]
        ),
        stack.settings.swarmRegistryImage,
        stack.settings.swarmRelayImage
      ]
      if (needed.includes(undefined)) throw new Error('a service image is not in .env.images')
      await pair.loadImages([...new Set(needed as string[])], [pair.manager])
      console.log(
        `two dind engines in one swarm, the stack's images on the manager: ${((Date.now() - started) / 1000).toFixed(1)} s`
      )
      panel = new PanelUnderTest(stack.settings)
      await panel.start({ metrics: false })
    } catch (err) {
      await panel?.close()
      await pair.remove()
      throw err
    }
  }, 300_000)

  afterAll(async () => {
    try {
      await panel?.close()
    } finally {
      // The engines go with their containers: no stack state outlives them.
      await pair.remove()
    }
  }, 120_000)

  it(
    'deploys, scales scraper to 4 on both nodes, and the panel says which node runs which replica',
    { timeout: 420_000 },
    async () => {
      const started = Date.now()
      ok(await panel!.invoke('up', {}))
      console.log(`two-node swarm up → all running and healthy: ${((Date.now() - started) / 1000).toFixed(1)} s`)
      await pair.forwardLoopback()
      const scaled = Date.now()
      ok(await panel!.invoke('scale', { service: 'scraper', replicas: 4 }))
      console.log(`two-node swarm scale scraper 1 → 4 running: ${((Date.now() - scaled) / 1000).toFixed(1)} s`)
      const status = ok(await panel!.invoke('status', {}))
      for (const service of status.services)
        expect([service.name, service.state, service.runningReplicas]).toEqual([
          service.name,
          'up',
          service.name === 'scraper' ? 4 : 1
        ])
      const scraper = status.services.find((s) => s.name === 'scraper')!
      const nodeOfReplica = new Map(scraper.containers.map((c) => [c.number, c.task?.node]))
      console.log(`scraper replicas by node: ${[...nodeOfReplica].map(([n, node]) => `${n}@${node}`).join(', ')}`)
      expect(new Set(nodeOfReplica.values())).toEqual(new Set([pair.manager.name, pair.worker.name]))
      expect(scraperTasksOn(pair.worker).length).toBe(
        scraper.containers.filter((c) => c.task?.node === pair.worker.name).length
      )
    }
  )

  it("a crawl of the board completes, the worker's scrapers taking part", { timeout: 180_000 }, async () => {
    await expect
      .poll(async () => (await panel!.invoke('crawlList', {})).ok, { timeout: 60_000, interval: 1000 })
      .toBe(true)
    const started = Date.now()
    let crawl: { id: string } | undefined
    for (let attempt = 1; crawl === undefined; attempt++) {
      const result = await panel!.invoke('crawlStart', { source: { kind: 'board' }, name: `two-${stack.project}` })
      if (result.ok) crawl = result.value.crawl
      else if (result.error.kind !== 'CrawlerUnavailable' || attempt === 3)
        throw new Error(`${result.error.kind}: ${result.error.message}`)
      else crawl = ok(await panel!.invoke('crawlList', {})).crawls.find((c) => c.name === `two-${stack.project}`)
    }
    await expect
      .poll(async () => ok(await panel!.invoke('crawlGet', { id: crawl.id })).state, {
        timeout: 150_000,
        interval: 1000
      })
      .toMatch(/^(done|failed)$/)
    const detail = ok(await panel!.invoke('crawlGet', { id: crawl.id }))
    console.log(
      `two-node crawl of the board: ${detail.total} ids in ${((Date.now() - started) / 1000).toFixed(1)} s, done ${detail.done}, failed ${detail.failed}; by replica ${detail.replicas.map((r) => `${r.replica} ${r.done}`).join(', ')}`
    )
    expect(detail.done + detail.failed + detail.skipped).toBe(detail.total)
    expect(detail.done).toBeGreaterThan(detail.total / 2)
    // A replica is named by its container's hostname: its id's first 12 characters.
    const onWorker = new Set(scraperTasksOn(pair.worker))
    expect(onWorker.size).toBeGreaterThan(0)
    expect(detail.replicas.filter((r) => onWorker.has(r.replica)).reduce((sum, r) => sum + r.done, 0)).toBeGreaterThan(
      0
    )
  })
})
