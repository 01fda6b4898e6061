/**
 * The RPC console through a panel session (validation, error values, the contract): the
 * services it lists from the real broker's management API, and calls to a real Python
 * Nameko 2.14.1 service — a result, kwargs, and remote errors with their exc_type and value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startupPanelConfig } from '../support/panel-settings'
import { RpcServer } from '../../src/services/rpc/server'
import { silentLogger } from '../../src/services/log'
import { MAX_RPC_PAYLOAD_BYTES } from '../../src/shared/contract'
import { freePort } from '../support/free-port'
import { TEST_AMQP_URI, deleteQueues, namekoUnavailableReason, startNamekoService } from '../support/nameko'
import type { NamekoService } from '../support/nameko'
import { PanelUnderTest } from '../support/panel-under-test'
import { TEST_MANAGEMENT_URL } from '../support/test-endpoints'
import { makeTestService, uniqueServiceName } from './test-services'
import { requiredPart } from '../support/required-part'

const skipReason = requiredPart('Python Nameko', namekoUnavailableReason())

const REPO = new URL('../..', import.meta.url).pathname

function panelOn(managementUrl: string): PanelUnderTest {
  return new PanelUnderTest(
    startupPanelConfig(
      {
        DECK_PROJECT: uniqueServiceName('deckconsole'),
        AMQP_URI: TEST_AMQP_URI,
        RABBITMQ_MANAGEMENT_URL: managementUrl
      },
      REPO
    )
  )
}

describe.skipIf(skipReason !== null)('the RPC console through a panel session', () => {
  const pythonService = uniqueServiceName('py_console')
  const nodeService = uniqueServiceName('node_console')
  let python: NamekoService
  let ours: RpcServer
  let panel: PanelUnderTest

  beforeAll(async () => {
    ours = new RpcServer(makeTestService(nodeService), { amqpUri: TEST_AMQP_URI, logger: silentLogger })
    ;[python] = await Promise.all([
      startNamekoService({
        module: 'interop',
        serviceName: pythonService,
        env: { INTEROP_SERVICE_NAME: pythonService }
      }),
      ours.start()
    ])
    panel = panelOn(TEST_MANAGEMENT_URL)
  })

  afterAll(async () => {
    await panel?.close()
    await Promise.all([python?.stop(), ours?.stop()])
    await deleteQueues([`rpc-${pythonService}`, `rpc-${nodeService}`])
  })

  it('lists both services with their queue and one consumer each', async () => {
    // The management API's counts are its last statistics tick (5 s by default), so poll.
    await expect
      .poll(
        async () => {
          const listed = await panel.invoke('rpcServices', {})
          if (!listed.ok) throw new Error(`${listed.error.kind}: ${listed.error.message}`)
          return listed.value.services.filter((s) => s.service === pythonService || s.service === nodeService)
        },
        { timeout: 20_000, interval: 500 }
      )
      .toEqual(
        [
          { service: nodeService, queue: `rpc-${nodeService}`, consumers: 1, ready: 0, unacked: 0 },
          { service: pythonService, queue: `rpc-${pythonService}`, consumers: 1, ready: 0, unacked: 0 }
        ].sort((a, b) => a.queue.localeCompare(b.queue))
      )
  })

  it('calls the Python service: the result and the time taken', async () => {
    const calledAt = performance.now()
    const answer = await panel.invoke('rpcCall', { service: pythonService, method: 'hello', args: ['Mike'] })
    const wallMs = performance.now() - calledAt
    if (!answer.ok) throw new Error(`${answer.error.kind}: ${answer.error.message}`)
    expect(answer.value.result).toBe('Hello, Mike!')
    // The call's own time: more than nothing (a round trip through the broker to Python) and
    // within what the caller waited; a constant or a timestamp would fail one of the two.
    expect(answer.value.tookMs).toBeGreaterThan(0)
    expect(answer.value.tookMs).toBeLessThanOrEqual(Math.ceil(wallMs))
    const echoed = await panel.invoke('rpcCall', {
      service: pythonService,
      method: 'echo',
      kwargs: { value: [1, 'a'], more: { x: null } }
    })
    expect(echoed).toMatchObject({ ok: true, value: { result: { value: [1, 'a'], extra: { more: { x: null } } } } })
  })

  it('a Python exception comes back as an error value with its exc_type, exc_path and value', async () => {
    const answer = await panel.invoke('rpcCall', { service: pythonService, method: 'fail' })
    expect(answer).toEqual({
      ok: false,
      error: {
        kind: 'RpcRemoteError',
        message: "ValueError ('bad', 42)",
        hint: "The remote method raised; see that service's logs.",
        remote: { excType: 'ValueError', excPath: 'builtins.ValueError', value: "('bad', 42)" }
      }
    })
  })

  it('Nameko’s own MethodNotFound and IncorrectSignature keep their kinds and remote fields', async () => {
    const missing = await panel.invoke('rpcCall', { service: pythonService, method: 'no_such_method' })
    expect(missing).toMatchObject({
      ok: false,
      error: {
        kind: 'RpcMethodNotFound',
        remote: { excType: 'MethodNotFound', excPath: 'nameko.exceptions.MethodNotFound' }
      }
    })
    const wrong = await panel.invoke('rpcCall', { service: pythonService, method: 'hello', args: ['a', 'b'] })
    expect(wrong).toMatchObject({
      ok: false,
      error: {
        kind: 'RpcIncorrectSignature',
        remote: { excType: 'IncorrectSignature', value: expect.stringContaining('hello') }
      }
    })
  })

  it('a payload over the contract’s bound is refused before it is sent', async () => {
    const answer = await panel.invoke('rpcCall', {
      service: pythonService,
      method: 'echo',
      args: ['x'.repeat(MAX_RPC_PAYLOAD_BYTES)]
    })
    expect(answer).toMatchObject({
      ok: false,
      error: { kind: 'InvalidRequest', message: /args and kwargs together are 64\.0 KiB of JSON/ }
    })
  })
})

describe('the service list without a management API', () => {
  it('is ManagementUnavailable, with a hint, not an internal error', async () => {
    const panel = panelOn(`http://127.0.0.1:${await freePort()}`)
    try {
      expect(await panel.invoke('rpcServices', {})).toMatchObject({
        ok: false,
        error: {
          kind: 'ManagementUnavailable',
          message: /does not answer \(ECONNREFUSED\)/,
          hint: /RABBITMQ_MANAGEMENT_URL/
        }
      })
    } finally {
      await panel.close()
    }
  })
})
