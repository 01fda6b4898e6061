import { describe, expect, it } from 'vitest'
import { parseComposeText } from '../../compose-file'
import type { ComposeProject, DependencyCondition, ServiceSpec } from '../../compose-model'
import type { ContainerRuntime } from '../../container-runtime'
import type { ContainerIdentity } from '../../container-spec'
import { containerName } from '../../compose-labels'
import type { ProjectContainer } from '../../project-containers'
import { ComposeOrchestrator } from './compose-orchestrator'
import { stopLevels, withDependencies } from '../orchestration'
import { StackError } from '../../stack-error'

const STACK = `services:
  broker: { image: deck/broker }
  search: { image: deck/search }
  worker:
    image: deck/worker
    depends_on: { broker: { condition: service_healthy } }
  api:
    image: deck/api
    depends_on:
      broker: { condition: service_healthy }
      search: { condition: service_started }
  web:
    image: deck/web
    depends_on: [api]
`

function project(text = STACK): ComposeProject {
  return parseComposeText(text, { file: '/srv/deck/compose.yaml', project: 'deck', env: {} })
}

/** An engine in memory that records what was asked of it, in order. */
class FakeRuntime implements ContainerRuntime {
  readonly log: string[] = []
  readonly containers: ProjectContainer[] = []
  private nextId = 1
  /** Unacked work per container id: what a graceful stop must wait for (not modelled further). */
  waitDelayMs = 0

  async requireConnected(): Promise<void> {}
  async listContainers(_project: string, service?: string): Promise<ProjectContainer[]> {
    return this.containers
      .filter((c) => service === undefined || c.service === service)
      .sort((a, b) => a.number - b.number)
  }
  async imageId(image: string): Promise<string | null> {
    return `sha256:${image}`
  }
  async ensureImage(service: ServiceSpec): Promise<string> {
    this.log.push(`image ${service.name}`)
    return `sha256:${service.image}`
  }
  async assertPortsFree(): Promise<void> {
    this.log.push('ports')
  }
  async ensureResources(): Promise<void> {
    this.log.push('resources')
  }
  async removeResources(): Promise<string[]> {
    this.log.push('remove resources')
    return []
  }
  async createContainer(
    _project: ComposeProject,
    service: ServiceSpec,
    number: number,
    identity: ContainerIdentity
  ): Promise<string> {
    const id = `c${this.nextId++}`
    this.containers.push({
      id,
      name: containerName(identity.flavour, 'deck', service.name, number),
      service: service.name,
      number,
      configHash: identity.configHash,
      composeVersion: null,
      imageLabel: null,
      image: service.image,
      state: 'created',
      health: 'none',
      ports: []
    })
    this.log.push(`create ${service.name} ${number}`)
    return id
  }
  async startContainer(id: string): Promise<void> {
    this.byId(id).state = 'running'
    this.log.push(`start ${this.byId(id).name}`)
  }
  async stopContainer(id: string): Promise<void> {
    this.byId(id).state = 'exited'
    this.log.push(`stop ${this.byId(id).name}`)
  }
  async restartContainer(id: string): Promise<void> {
    this.log.push(`restart ${this.byId(id).name}`)
  }
  async removeContainer(id: string): Promise<void> {
    const c = this.byId(id)
    this.containers.splice(this.containers.indexOf(c), 1)
    this.log.push(`remove ${c.name}`)
  }
  async waitFor(id: string, _label: string, condition: DependencyCondition): Promise<void> {
    if (this.waitDelayMs > 0) await new Promise((r) => setTimeout(r, this.waitDelayMs))
    this.log.push(`ready ${this.byId(id).name} (${condition})`)
  }
  private byId(id: string): ProjectContainer {
    const c = this.containers.find((x) => x.id === id)
    if (c === undefined) throw new Error(`no container ${id}`)
    return c
  }
}

function orchestrator(runtime: FakeRuntime, text = STACK): ComposeOrchestrator {
  return new ComposeOrchestrator({ runtime, loadProject: () => project(text), projectName: 'deck', upTimeoutMs: 1000 })
}

const noReport = (): void => undefined
const indexOf = (log: string[], entry: string): number => {
  const i = log.indexOf(entry)
  if (i === -1) throw new Error(`"${entry}" is not in the log:\n${log.join('\n')}`)
  return i
}

describe('withDependencies and stopLevels', () => {
  it('lists a service after everything it depends on, each once', () => {
    const order = withDependencies(project(), ['web', 'worker'])
    expect(new Set(order)).toEqual(new Set(['broker', 'search', 'api', 'web', 'worker']))
    expect(order.indexOf('broker')).toBeLessThan(order.indexOf('api'))
    expect(order.indexOf('search')).toBeLessThan(order.indexOf('api'))
    expect(order.indexOf('api')).toBeLessThan(order.indexOf('web'))
    expect(order.indexOf('broker')).toBeLessThan(order.indexOf('worker'))
  })

  it('groups services so that dependents stop before what they depend on', () => {
    expect(stopLevels(project())).toEqual([['web'], ['worker', 'api'], ['broker', 'search']])
  })

  it('names the unknown service and the known ones', () => {
    expect(() => withDependencies(project(), ['nope'])).toThrow(/No service "nope".*/)
  })
})

describe('ComposeOrchestrator over a fake runtime', () => {
  it('up: images and resources first, then each service only once its dependencies are ready', async () => {
    const runtime = new FakeRuntime()
    await orchestrator(runtime).up(undefined, noReport)
    const log = runtime.log
    const lastImage = Math.max(...['broker', 'search', 'worker', 'api', 'web'].map((s) => indexOf(log, `image ${s}`)))
    expect(lastImage).toBeLessThan(indexOf(log, 'resources'))
    expect(indexOf(log, 'resources')).toBeLessThan(indexOf(log, 'create broker 1'))
    expect(indexOf(log, 'ready deck-broker-1 (service_healthy)')).toBeLessThan(indexOf(log, 'create api 1'))
    expect(indexOf(log, 'ready deck-search-1 (service_started)')).toBeLessThan(indexOf(log, 'create api 1'))
    expect(indexOf(log, 'ready deck-api-1 (service_started)')).toBeLessThan(indexOf(log, 'create web 1'))
    expect(indexOf(log, 'ready deck-broker-1 (service_healthy)')).toBeLessThan(indexOf(log, 'create worker 1'))
    expect(runtime.containers.map((c) => c.name).sort()).toEqual([
      'deck-api-1',
      'deck-broker-1',
      'deck-search-1',
      'deck-web-1',
      'deck-worker-1'
    ])
  })

  it('up and scale ask admit first, with what they would create; a refusal touches nothing', async () => {
    const runtime = new FakeRuntime()
    const asked: string[] = []
    const stack = new ComposeOrchestrator({
      runtime,
      loadProject: () => project(),
      projectName: 'deck',
      admit: (_p, services, allow) => {
        asked.push(`${[...services].sort().join(',')} ${allow ?? '-'}`)
        throw new StackError('HostAccessNotAllowed', 'no')
      }
    })
    await expect(stack.up(['api'], noReport, { allowHostAccess: 'h' })).rejects.toThrow('no')
    await expect(stack.scale('worker', 2, noReport)).rejects.toThrow('no')
    expect(asked).toEqual(['api,broker,search h', 'broker,worker -'])
    expect(runtime.log).toEqual([])
  })

  it('up of one service brings what it depends on and nothing else', async () => {
    const runtime = new FakeRuntime()
    await orchestrator(runtime).up(['api'], noReport)
    expect(runtime.containers.map((c) => c.service).sort()).toEqual(['api', 'broker', 'search'])
  })

  it('down: stops dependents before their dependencies, level by level, then removes resources', async () => {
    const runtime = new FakeRuntime()
    const stack = orchestrator(runtime)
    await stack.up(undefined, noReport)
    runtime.log.length = 0
    await stack.down({ removeVolumes: false }, noReport)
    const log = runtime.log
    expect(indexOf(log, 'remove deck-web-1')).toBeLessThan(indexOf(log, 'stop deck-api-1'))
    expect(indexOf(log, 'remove deck-api-1')).toBeLessThan(indexOf(log, 'stop deck-broker-1'))
    expect(indexOf(log, 'remove deck-worker-1')).toBeLessThan(indexOf(log, 'stop deck-search-1'))
    expect(log.at(-1)).toBe('remove resources')
    expect(runtime.containers).toEqual([])
  })

  it('scale up adds the next numbers; scale down stops the highest numbers and keeps the lowest', async () => {
    const runtime = new FakeRuntime()
    const stack = orchestrator(runtime)
    await stack.scale('worker', 4, noReport)
    expect(runtime.containers.map((c) => c.number)).toEqual([1, 2, 3, 4])
    runtime.log.length = 0
    const summary = await stack.scale('worker', 2, noReport)
    expect(runtime.containers.map((c) => c.name)).toEqual(['deck-worker-1', 'deck-worker-2'])
    expect(runtime.log.filter((l) => l.startsWith('stop')).sort()).toEqual(['stop deck-worker-3', 'stop deck-worker-4'])
    expect(summary.sort()).toEqual(['removed deck-worker-3', 'removed deck-worker-4'])
    // A gap in the numbers is filled after the highest, never by reusing a lower one.
    await stack.scale('worker', 3, noReport)
    expect(runtime.containers.map((c) => c.number)).toEqual([1, 2, 3])
  })

  it('removeReplicas stops the chosen containers, not the highest numbers, and remembers the count', async () => {
    const runtime = new FakeRuntime()
    const stack = orchestrator(runtime)
    await stack.scale('worker', 4, noReport)
    const [, second, third] = runtime.containers
    runtime.log.length = 0
    const summary = await stack.removeReplicas('worker', [second!.id, third!.name], noReport)
    expect(summary.sort()).toEqual(['removed deck-worker-2', 'removed deck-worker-3'])
    expect(runtime.containers.map((c) => c.name)).toEqual(['deck-worker-1', 'deck-worker-4'])
    expect(runtime.log.filter((l) => l.startsWith('stop')).sort()).toEqual(['stop deck-worker-2', 'stop deck-worker-3'])
    expect(stack.desiredReplicas(project().services.get('worker') as ServiceSpec, 2)).toBe(2)
    await expect(stack.removeReplicas('worker', ['c99'], noReport)).rejects.toThrow('No container c99 of worker')
    expect(runtime.containers).toHaveLength(2)
  })

  it('scale remembers the count: status shows it as desired and up keeps it', async () => {
    const runtime = new FakeRuntime()
    const stack = orchestrator(runtime)
    await stack.scale('worker', 3, noReport)
    const worker = project().services.get('worker') as ServiceSpec
    expect(stack.desiredReplicas(worker, 0)).toBe(3)
    await stack.up(undefined, noReport)
    expect(runtime.containers.filter((c) => c.service === 'worker')).toHaveLength(3)
  })

  it('startService with no container goes through scale: it creates the replicas the service should have', async () => {
    const runtime = new FakeRuntime()
    const stack = orchestrator(
      runtime,
      STACK.replace('image: deck/worker', 'image: deck/worker\n    deploy: { replicas: 2 }')
    )
    const summary = await stack.startService('worker', noReport)
    expect(summary.sort()).toEqual(['created deck-worker-1', 'created deck-worker-2'])
    await stack.stopService('worker', noReport)
    runtime.log.length = 0
    expect(await stack.startService('worker', noReport)).toEqual(['started deck-worker-1', 'started deck-worker-2'])
    expect(runtime.log.filter((l) => l.startsWith('create'))).toEqual([])
  })

  it('runs operations one at a time, in the order they were asked', async () => {
    const runtime = new FakeRuntime()
    runtime.waitDelayMs = 5
    const stack = orchestrator(runtime)
    const up = stack.up(['worker'], noReport)
    const down = stack.down({ removeVolumes: false }, noReport)
    await Promise.all([up, down])
    expect(indexOf(runtime.log, 'ready deck-worker-1 (service_healthy)')).toBeLessThan(
      indexOf(runtime.log, 'stop deck-worker-1')
    )
    expect(runtime.containers).toEqual([])
  })
})
