/**
 * The swarm driver's operations over a swarm in memory: what a failed up leaves for the
 * down queued behind it.
 */
import { describe, expect, it } from 'vitest'
import type Docker from 'dockerode'
import { parseComposeText } from '../../compose-file'
import type { DockerEngine } from '../../docker-engine'
import { StackError } from '../../stack-error'
import type { SwarmEngine } from './swarm-engine'
import type { SwarmTask } from './swarm-services'
import { SwarmOrchestrator } from './swarm-orchestrator'

const STACK = `services:
  broker: { image: deck/broker }
  search: { image: deck/search }
  api:
    image: deck/api
    depends_on: [broker, search]
`

/** Lets every pending callback run, up to `turns` times, until `done()` holds. */
async function turnsUntil(done: () => boolean, turns = 50): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await new Promise((r) => setImmediate(r))
}

/**
 * A swarm where deploying `broker` fails at once and deploying `search` is slow: it finishes
 * only once a down has started or after many turns of the event loop, whichever is first.
 */
class FakeSwarm {
  readonly log: string[] = []
  readonly deployed = new Map<string, Docker.Service>()
  downStarted = false

  async requireManager(): Promise<void> {}
  async pullableReference(id: string): Promise<string> {
    return `${id}@sha256:0`
  }
  async ensureNetwork(): Promise<boolean> {
    return false
  }
  async removeRelay(): Promise<boolean> {
    return false
  }
  async removeRegistry(): Promise<boolean> {
    return false
  }
  async removeResources(): Promise<string[]> {
    return []
  }
  async taskContainers(): Promise<Docker.ContainerInfo[]> {
    return []
  }
  /** One running task per deployed service: a deployed service is up at once. */
  async tasks(serviceIds: string[]): Promise<SwarmTask[]> {
    return serviceIds
      .filter((id) => this.deployed.has(id))
      .map((id) => ({ ID: `${id}.1`, ServiceID: id, Slot: 1, DesiredState: 'running', Status: { State: 'running' } }))
  }
  async service(stack: string, name: string): Promise<Docker.Service | null> {
    return this.deployed.get(`${stack}_${name}`) ?? null
  }
  async services(): Promise<Docker.Service[]> {
    this.downStarted = true
    this.log.push('down lists services')
    return [...this.deployed.values()]
  }
  async deployService(spec: Docker.CreateServiceOptions): Promise<'created'> {
    const name = spec.Name as string
    if (name.endsWith('_broker')) throw new StackError('ContainerFailed', 'broker refused', 'none')
    if (name.endsWith('_search')) await turnsUntil(() => this.downStarted)
    this.log.push(`deployed ${name}`)
    this.deployed.set(name, { ID: name, Spec: { Name: name } } as Docker.Service)
    return 'created'
  }
  async removeService(id: string): Promise<void> {
    this.log.push(`removed ${id}`)
    this.deployed.delete(id)
  }
}

function orchestrator(swarm: FakeSwarm): SwarmOrchestrator {
  const engine = {
    imageId: async () => 'sha256:x',
    ensureImage: async () => 'sha256:x',
    assertPortsFree: async () => undefined
  }
  return new SwarmOrchestrator({
    engine: engine as unknown as DockerEngine,
    swarm: swarm as unknown as SwarmEngine,
    loadProject: () => parseComposeText(STACK, { file: '/srv/deck/compose.yaml', project: 'deck', env: {} }),
    projectName: 'deck',
    registryImage: 'deck/registry',
    registry: { host: '127.0.0.1', port: 5000 },
    relayImage: 'deck/relay',
    publish: 'loopback',
    pollMs: 1
  })
}

describe('SwarmOrchestrator', () => {
  it('a failed up deploys nothing more once the down queued behind it has started', async () => {
    const swarm = new FakeSwarm()
    const stack = orchestrator(swarm)
    const up = stack.up(undefined, () => undefined)
    const down = stack.down({ removeVolumes: true }, () => undefined)
    await expect(up).rejects.toThrow('broker refused')
    await down
    // A branch of up still under way would finish now, after the down: a service left behind.
    await turnsUntil(() => swarm.log.includes('deployed deck_search'))
    expect(swarm.log).toEqual(['deployed deck_search', 'down lists services', 'removed deck_search'])
    expect([...swarm.deployed.keys()]).toEqual([])
  })
})
