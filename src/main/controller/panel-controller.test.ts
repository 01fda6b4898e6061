import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { LogLine, ProgressEvent, StackStatus } from '../../shared/contract'
import { PanelSession } from '../session/panel-session'
import type { PanelEvent } from '../../shared/contract'
import { StackError } from '../stack/stack-error'
import { RemoteError } from '../../services/rpc/errors'
import type { ProgressSink } from '../stack/stack-error'
import type { LogSource } from '../stack/container-logs'
import type { ProjectContainer } from '../stack/project-containers'
import { loadPanelConfig } from '../config/panel-config'
import { PanelController } from './panel-controller'
import type { BrokerView, DriverView, PanelCollaborators, StatusView } from './panel-controller'
import type { EngineView, StackOperations } from '../stack/drivers/stack-driver'

const settings = loadPanelConfig(
  {
    AMQP_URI: 'amqp://deck:s3cret@127.0.0.1:5672',
    ELASTICSEARCH_URL: 'http://elastic:es-s3cret@127.0.0.1:9200',
    DECK_PROJECT: 'deck'
  },
  '/srv/deck'
)

function container(name: string, service: string): ProjectContainer {
  return {
    id: `id-${name}`,
    name,
    service,
    number: 1,
    configHash: null,
    composeVersion: null,
    imageLabel: null,
    image: 'img',
    state: 'running',
    health: 'none',
    ports: []
  }
}

const emptyStatus = {
  project: 'deck',
  driver: { mode: 'compose', capabilities: { rollingUpdate: false } },
  services: [],
  orphans: []
} as unknown as StackStatus

/** Small fakes of the collaborators: each records what the controller asked of it. */
function fakes(): PanelCollaborators & {
  calls: string[]
  follows: { source: LogSource; onLine: (l: LogLine) => void; onEnd: (r: string) => void; stopped: boolean }[]
  failNext: Error | null
} {
  const calls: string[] = []
  const follows: { source: LogSource; onLine: (l: LogLine) => void; onEnd: (r: string) => void; stopped: boolean }[] =
    []
  const state = { failNext: null as Error | null }
  let connected = false
  const engine = Object.assign(new EventEmitter(), {
    get connected() {
      return connected
    },
    probe: async () => {
      calls.push('probe')
      connected = true
      return true
    },
    requireConnected: async () => undefined,
    listContainers: async (_p: string, service?: string) =>
      [container('deck_api_1', 'api'), container('deck_api_2', 'api'), container('deck_db_1', 'db')].filter(
        (c) => service === undefined || c.service === service
      ),
    tailLogs: async (sources: LogSource[]) =>
      sources.map((s) => ({
        container: s.name,
        service: s.service,
        stream: 'stdout' as const,
        time: '1',
        line: `tail of ${s.name}`
      })),
    followLogs: async (source: LogSource, _since: number, onLine: (l: LogLine) => void, onEnd: (r: string) => void) => {
      const follow = { source, onLine, onEnd, stopped: false }
      follows.push(follow)
      return () => {
        follow.stopped = true
      }
    },
    containerStats: async (c: LogSource) => ({
      container: c.name,
      service: c.service,
      cpuPercent: 1,
      memoryBytes: 2,
      memoryLimitBytes: 3,
      read: 'now'
    }),
    start: async () => ({}) as never,
    stop: () => undefined
  }) as unknown as EngineView
  const operation =
    (name: string) =>
    async (...args: unknown[]) => {
      const at = args.findIndex((a) => typeof a === 'function')
      const report = args[at] as ProgressSink
      calls.push(`${name} ${JSON.stringify([...args.slice(0, at), ...args.slice(at + 1)])}`)
      report({ step: 'create', service: 'api', container: 'deck_api_1', state: 'done', message: 'Started deck_api_1' })
      if (state.failNext !== null) throw state.failNext
      return [`${name} done`]
    }
  const operations: StackOperations = {
    up: operation('up'),
    down: operation('down'),
    scale: operation('scale'),
    startService: operation('startService'),
    stopService: operation('stopService'),
    restartService: operation('restartService')
  }
  const driver: DriverView = { mode: 'compose', operations, rollingUpdate: null, engine }
  const status = Object.assign(new EventEmitter(), {
    latest: null as StackStatus | null,
    serviceLimits: () => ({}),
    start: async () => emptyStatus,
    stop: () => undefined,
    refresh: () => calls.push('refresh'),
    build: async () => {
      calls.push('build status')
      status.latest = emptyStatus
      return emptyStatus
    }
  })
  const broker = Object.assign(new EventEmitter(), {
    start: () => undefined,
    stop: async () => undefined,
    latest: async () => ({ queues: [] }),
    samples: () => [],
    capacity: 10,
    lookupLatency: { record: (ms: number) => calls.push(`latency ${ms}`) },
    rpcServices: async () => [{ service: 'greeter', queue: 'rpc-greeter', consumers: 2, ready: 0, unacked: 1 }]
  }) as unknown as BrokerView
  const parts = {
    settings,
    driver,
    status: status as unknown as StatusView,
    broker,
    calls,
    follows,
    listings: async () =>
      ({
        lookup: async (id: string) => ({ listing: { ID: id }, source: 'scrape', tookMs: 42, cache: 'stored' })
      }) as never,
    rpc: async () =>
      ({
        call: async (service: string, method: string) => {
          if (method === 'fail') throw new RemoteError('ValueError', 'builtins.ValueError', "('bad', 42)")
          return `${service}.${method}`
        }
      }) as never,
    preflight: (services: string[] | undefined) => {
      calls.push(`preflight ${JSON.stringify(services ?? null)}`)
      return { fileHash: 'a'.repeat(64), findings: [], accepted: true }
    }
  }
  return Object.defineProperty(parts, 'failNext', {
    get: () => state.failNext,
    set: (v: Error | null) => (state.failNext = v)
  }) as never
}

function connect(controller: PanelController): { session: PanelSession; events: PanelEvent[] } {
  const events: PanelEvent[] = []
  return { session: new PanelSession(controller, (e) => events.push(e)), events }
}

describe('PanelController', () => {
  it('config shows endpoints with every password masked', async () => {
    const { session } = connect(new PanelController(fakes()))
    const result = await session.invoke('config', {})
    expect(JSON.stringify(result)).not.toContain('s3cret')
    expect(result).toMatchObject({
      ok: true,
      value: {
        amqpUri: 'amqp://deck:***@127.0.0.1:5672',
        elasticsearchUrl: 'http://elastic:***@127.0.0.1:9200',
        credentialsFile: null
      }
    })
    expect(result).toMatchObject({ ok: true, value: { project: 'deck', scraperComposeService: 'scraper' } })
  })

  it('a stack operation passes its request on and reports progress under the caller’s operation id', async () => {
    const parts = fakes()
    const { session, events } = connect(new PanelController(parts))
    const result = await session.invoke('scale', { service: 'api', replicas: 3, operationId: 'op-7' })
    expect(result).toMatchObject({ ok: true, value: { operationId: 'op-7', summary: ['scale done'] } })
    expect(parts.calls).toContain('scale ["api",3]')
    expect(parts.calls.at(-1)).toBe('refresh')
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.payload as ProgressEvent)
    expect(progress).toEqual([
      expect.objectContaining({ operationId: 'op-7', operation: 'scale', step: 'create', state: 'done' })
    ])
    await session.invoke('down', { removeVolumes: true })
    expect(parts.calls).toContain('down [{"removeVolumes":true}]')
  })

  it("preflight answers the gate's result; up passes the accepted file hash on", async () => {
    const parts = fakes()
    const { session } = connect(new PanelController(parts))
    const pre = await session.invoke('preflight', { services: ['api'] })
    expect(pre).toEqual({ ok: true, value: { fileHash: 'a'.repeat(64), findings: [], accepted: true } })
    expect(parts.calls).toContain('preflight ["api"]')
    await session.invoke('up', { allowHostAccess: 'a'.repeat(64) })
    expect(parts.calls).toContain(`up [null,{"allowHostAccess":"${'a'.repeat(64)}"}]`)
    const bad = await session.invoke('up', { allowHostAccess: 'yes' })
    expect(bad.ok === false && bad.error.kind).toBe('InvalidRequest')
  })

  it('a failed operation ends with a failed progress event carrying the error, and answers that error', async () => {
    const parts = fakes()
    parts.failNext = new StackError('ImageUnavailable', 'Image x is not on this machine', 'Run up first')
    const { session, events } = connect(new PanelController(parts))
    const result = await session.invoke('up', { operationId: 'op-1' })
    expect(result).toEqual({
      ok: false,
      error: { kind: 'ImageUnavailable', message: 'Image x is not on this machine', hint: 'Run up first' }
    })
    const last = events.filter((e) => e.event === 'progress').at(-1)?.payload as ProgressEvent
    expect(last).toMatchObject({
      operationId: 'op-1',
      step: 'failed',
      state: 'failed',
      error: { kind: 'ImageUnavailable' }
    })
    expect(parts.calls.at(-1)).toBe('refresh')
  })

  it('updateService with the compose driver (no rolling update) answers SwarmUnavailable, naming what to do instead', async () => {
    const { session } = connect(new PanelController(fakes()))
    const result = await session.invoke('updateService', { service: 'scraper' })
    expect(result.ok === false && result.error.kind).toBe('SwarmUnavailable')
    expect(result.ok === false && result.error.hint).toMatch(/deck --swarm update scraper.*deck up scraper/)
  })

  it('status probes an engine not yet connected before building the snapshot', async () => {
    const parts = fakes()
    const { session } = connect(new PanelController(parts))
    await session.invoke('status', {})
    expect(parts.calls.slice(0, 2)).toEqual(['probe', 'build status'])
  })

  it('logs: the tail of every container of the service, or of the one named; unknown → ContainerNotFound', async () => {
    const { session } = connect(new PanelController(fakes()))
    const all = await session.invoke('logs', { service: 'api' })
    expect(all).toMatchObject({
      ok: true,
      value: { lines: [{ line: 'tail of deck_api_1' }, { line: 'tail of deck_api_2' }] }
    })
    const one = await session.invoke('logs', { service: 'api', container: 'deck_api_2' })
    expect(one.ok && (one.value as { lines: unknown[] }).lines).toHaveLength(1)
    expect(await session.invoke('logs', { service: 'nope' })).toMatchObject({
      ok: false,
      error: { kind: 'ContainerNotFound' }
    })
  })

  it('a logs stream goes to the client that opened it only: the tail first, then new lines without those the tail gave, until every container ended', async () => {
    const parts = fakes()
    const controller = new PanelController(parts)
    const a = connect(controller)
    const b = connect(controller)
    const result = await a.session.invoke('streamOpen', { kind: 'logs', params: { service: 'api' }, streamId: 'mine' })
    expect(result).toEqual({ ok: true, value: { streamId: 'mine' } })
    const [first, second] = parts.follows
    first?.onLine({ container: 'deck_api_1', service: 'api', stream: 'stdout', time: '1', line: 'tail of deck_api_1' })
    first?.onLine({ container: 'deck_api_1', service: 'api', stream: 'stdout', time: '2', line: 'new' })
    const lines = a.events.map((e) =>
      e.event === 'streamData' && e.payload.kind === 'logs' ? e.payload.items.map((l) => l.line) : e.event
    )
    expect(lines).toEqual([['tail of deck_api_1', 'tail of deck_api_2'], ['new']])
    expect(b.events).toEqual([])
    first?.onEnd('deck_api_1 stopped logging')
    expect(a.session.openStreams()).toEqual(['mine'])
    second?.onEnd('deck_api_2 stopped logging')
    expect(a.events.at(-1)).toEqual({
      event: 'streamEnd',
      payload: { streamId: 'mine', reason: 'deck_api_2 stopped logging' }
    })
    expect(a.session.openStreams()).toEqual([])
  })

  it('a logs stream resumed after a reconnect sends no tail; one of an unknown service is refused and leaves nothing open', async () => {
    const { session, events } = connect(new PanelController(fakes()))
    expect(
      await session.invoke('streamOpen', { kind: 'logs', params: { service: 'api' }, streamId: 'r', resume: true })
    ).toMatchObject({ ok: true })
    expect(events).toEqual([{ event: 'streamData', payload: { streamId: 'r', kind: 'logs', items: [] } }])
    expect(
      await session.invoke('streamOpen', { kind: 'logs', params: { service: 'nope' }, streamId: 'x' })
    ).toMatchObject({ ok: false, error: { kind: 'ContainerNotFound' } })
    expect(session.openStreams()).toEqual(['r'])
  })

  it('streamClose closes that client’s stream; another client cannot close it; dispose closes the rest', async () => {
    const parts = fakes()
    const controller = new PanelController(parts)
    const a = connect(controller)
    const b = connect(controller)
    await a.session.invoke('streamOpen', { kind: 'logs', params: { service: 'api' }, streamId: 's1' })
    await a.session.invoke('streamOpen', { kind: 'logs', params: { service: 'db' }, streamId: 's2' })
    expect(await b.session.invoke('streamClose', { streamId: 's1' })).toEqual({ ok: true, value: { closed: false } })
    expect(await a.session.invoke('streamClose', { streamId: 's1' })).toEqual({ ok: true, value: { closed: true } })
    expect(parts.follows.map((f) => f.stopped)).toEqual([true, true, false])
    a.session.dispose()
    expect(parts.follows.map((f) => f.stopped)).toEqual([true, true, true])
  })

  it('a second stream under an id the client already uses is refused, and the first one stays', async () => {
    const { session } = connect(new PanelController(fakes()))
    await session.invoke('streamOpen', { kind: 'logs', params: { service: 'db' }, streamId: 'dup' })
    const again = await session.invoke('streamOpen', { kind: 'logs', params: { service: 'db' }, streamId: 'dup' })
    expect(again).toMatchObject({
      ok: false,
      error: { kind: 'InvalidRequest', message: expect.stringContaining('dup') }
    })
    expect(session.openStreams()).toEqual(['dup'])
  })

  it('lookup records its latency for the queue chart; rpcCall answers with its time', async () => {
    const parts = fakes()
    const { session } = connect(new PanelController(parts))
    expect(await session.invoke('lookup', { id: '42' })).toMatchObject({ ok: true, value: { listing: { ID: '42' } } })
    expect(parts.calls).toContain('latency 42')
    expect(await session.invoke('rpcCall', { service: 'greeter', method: 'hello' })).toMatchObject({
      ok: true,
      value: { result: 'greeter.hello' }
    })
  })

  it('rpcServices lists the broker’s services; a remote exception keeps its exc_type and value', async () => {
    const { session } = connect(new PanelController(fakes()))
    expect(await session.invoke('rpcServices', {})).toEqual({
      ok: true,
      value: { services: [{ service: 'greeter', queue: 'rpc-greeter', consumers: 2, ready: 0, unacked: 1 }] }
    })
    expect(await session.invoke('rpcCall', { service: 'greeter', method: 'fail' })).toEqual({
      ok: false,
      error: {
        kind: 'RpcRemoteError',
        message: "ValueError ('bad', 42)",
        hint: "The remote method raised; see that service's logs.",
        remote: { excType: 'ValueError', excPath: 'builtins.ValueError', value: "('bad', 42)" }
      }
    })
  })

  it('metrics builds a status first when it has none, after probing the engine, so findings compare with running replicas', async () => {
    const parts = fakes()
    const { session } = connect(new PanelController(parts))
    await session.invoke('metrics', {})
    expect(parts.calls).toEqual(['probe', 'build status'])
    await session.invoke('metrics', {})
    expect(parts.calls).toEqual(['probe', 'build status'])
  })

  it('forwards status, engine and broker events to every session', () => {
    const parts = fakes()
    const controller = new PanelController(parts)
    const a = connect(controller)
    const b = connect(controller)
    ;(parts.status as unknown as EventEmitter).emit('status', emptyStatus)
    ;(parts.broker as unknown as EventEmitter).emit('broker', { amqp: {} })
    expect(a.events.map((e) => e.event)).toEqual(['status', 'broker'])
    expect(b.events.map((e) => e.event)).toEqual(['status', 'broker'])
    b.session.dispose()
    ;(parts.driver.engine as unknown as EventEmitter).emit('state', { state: 'connected' })
    expect(a.events.map((e) => e.event)).toEqual(['status', 'broker', 'engine'])
    expect(b.events.map((e) => e.event)).toEqual(['status', 'broker'])
  })
})
