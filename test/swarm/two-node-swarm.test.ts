/**
 * Two swarm nodes of the test's own making: a manager and a worker, each a dind container
 * (test/swarm/dind-pair.ts) on a bridge network of the test's own, so the shared engine's
 * swarm state is never touched and this suite can run beside the single-node swarm suite.
 * Proves what a two-node stack rests on here: the worker joins, a service's replicas spread
 * one per node, and a task on the manager reaches the task on the worker over a VXLAN overlay
 * network by the service's dnsrr task addresses (this kernel has no IPVS, so no VIPs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../engine/engine-fixture'
import { DindPair, dindPairUnavailableReason } from './dind-pair'

const SERVICE_IMAGE = process.env['DEBIAN_IMAGE'] || 'scrapedeck/debian:bookworm'
const ECHO_PORT = 9000
// Each replica answers every connection with its hostname (its container id's first 12
// characters). Perl, because the minbase image has it and no netcat.
const HOSTNAME_SERVER = `use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalPort => ${ECHO_PORT}, Listen => 5, ReuseAddr => 1) or die "listen: $!"; while (my $c = $s->accept) { print $c \`hostname\`; close $c }`
// From a task: every address of tasks.<service>, each connection's answer or its error.
const ASK_EVERY_TASK = (service: string): string =>
  `for ip in $(getent hosts tasks.${service} | cut -d' ' -f1); do answer=$(exec 3<>/dev/tcp/$ip/${ECHO_PORT} && timeout 3 cat <&3) && echo "$ip $answer" || echo "$ip unreachable"; done`

const unavailable = await dindPairUnavailableReason()
if (unavailable !== null) console.warn(`Skipping the two-node (dind) swarm suite: ${unavailable}`)

interface Task { Status: { State: string; ContainerStatus?: { ContainerID?: string } }; NodeID: string }

describe.skipIf(unavailable !== null)('a swarm of two dind nodes', () => {
  const pair = new DindPair()
  const service = 'echo'
  const overlay = 'echo-net'

  beforeAll(async () => {
    const started = Date.now()
    try {
      await pair.start()
      console.log(`two dind engines up and in one swarm: ${((Date.now() - started) / 1000).toFixed(1)} s`)
      await pair.loadImage(SERVICE_IMAGE)
    } catch (err) {
      await pair.remove()
      throw err
    }
  }, 180_000)

  afterAll(async () => {
    await pair.remove()
  }, 120_000)

  it('the worker joins the manager', async () => {
    const nodes = (await pair.manager.engine.listNodes()) as Array<{ Description: { Hostname: string }; Spec: { Role: string }; Status: { State: string } }>
    const byHost = Object.fromEntries(nodes.map((n) => [n.Description.Hostname, `${n.Spec.Role} ${n.Status.State}`]))
    expect(byHost).toEqual({ [pair.manager.name]: 'manager ready', [pair.worker.name]: 'worker ready' })
  })

  it('spreads two replicas one per node, and a task on the manager reaches the one on the worker over the overlay', { timeout: 120_000 }, async () => {
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
    const tasks = await waitFor('two running tasks', async () => {
      const list = (await manager.listTasks({ filters: { service: [service], 'desired-state': ['running'] } })) as Task[]
      return list.length === 2 && list.every((t) => t.Status.State === 'running') ? list : null
    }, 60_000, 500)
    const nodes = (await manager.listNodes()) as Array<{ ID: string; Description: { Hostname: string } }>
    const nodeOf = (t: Task): string => nodes.find((n) => n.ID === t.NodeID)?.Description.Hostname ?? t.NodeID
    expect(new Set(tasks.map(nodeOf))).toEqual(new Set([pair.manager.name, pair.worker.name]))

    const onManager = pair.manager.cli('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`)
    const onWorker = pair.worker.cli('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`)
    expect(onManager).toMatch(/^[0-9a-f]{12}$/)
    expect(onWorker).toMatch(/^[0-9a-f]{12}$/)
    // The listeners may still be starting: ask until both tasks answer.
    const answers = await waitFor('both tasks answering over the overlay', () => {
      const lines = pair.manager.cli('exec', onManager, 'bash', '-c', ASK_EVERY_TASK(service)).split('\n')
      const names = lines.map((l) => l.split(' ')[1]).filter((n) => n !== 'unreachable')
      return names.length === 2 ? lines : null
    }, 30_000, 500)
    console.log(`from the manager's task over the overlay: ${answers.join('; ')}`)
    expect(new Set(answers.map((l) => l.split(' ')[1]))).toEqual(new Set([onManager, onWorker]))
  })
})
