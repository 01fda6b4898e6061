import { describe, expect, it } from 'vitest'
import { BROADCAST_EVENT_NAMES } from '../../shared/contract'
import type { BroadcastEventName, OperationName } from '../../shared/contract'
import { StackError } from '../stack/stack-error'
import { BrokerUnavailable } from '../../services/rpc/errors'
import { secretMasker } from '../../shared/secret-mask'
import { PanelSession } from './panel-session'
import type { SessionBackend } from './panel-session'

/** Records what reaches the controller, so a test can prove a bad request never did. */
function recordingBackend(
  answer: (operation: OperationName) => unknown = () => ({}),
  secrets: string[] = []
): SessionBackend & {
  calls: { operation: string; request: unknown }[]
  listeners: Map<string, (payload: unknown) => void>
} {
  const calls: { operation: string; request: unknown }[] = []
  const listeners = new Map<string, (payload: unknown) => void>()
  return {
    calls,
    listeners,
    handle: (async (operation: OperationName, request: unknown) => {
      calls.push({ operation, request })
      return answer(operation)
    }) as SessionBackend['handle'],
    on: ((event: BroadcastEventName, listener: (payload: unknown) => void) => {
      listeners.set(event, listener)
      return () => listeners.delete(event)
    }) as SessionBackend['on'],
    mask: secretMasker(secrets),
    streams: {
      logs: refuseStream,
      crawl: refuseStream,
      stats: refuseStream,
      stackLogs: refuseStream,
      hosts: refuseStream
    }
  }
}

async function refuseStream(): Promise<never> {
  throw new Error('no streams here')
}

describe('PanelSession', () => {
  it('refuses an unknown operation by name, listing the known ones, and calls nothing', async () => {
    const backend = recordingBackend()
    const result = await new PanelSession(backend, () => undefined).invoke('rm -rf', {})
    expect(result).toMatchObject({ ok: false, error: { kind: 'UnknownOperation' } })
    expect(!result.ok && result.error.message).toContain('"rm -rf"')
    expect(!result.ok && result.error.hint).toContain('lookup')
    expect(backend.calls).toEqual([])
  })

  it('refuses a request that breaks the contract, naming the field, and calls nothing', async () => {
    const backend = recordingBackend()
    const session = new PanelSession(backend, () => undefined)
    const result = await session.invoke('lookup', { id: '../etc/passwd' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'InvalidRequest' } })
    expect(!result.ok && result.error.message).toMatch(/^Invalid lookup request: id:/)
    expect(await session.invoke('scale', { service: 'scraper', replicas: 99 })).toMatchObject({ ok: false })
    expect(await session.invoke('status', { extra: true })).toMatchObject({ ok: false })
    expect(await session.invoke('logs', { service: 'api', follow: true })).toMatchObject({ ok: false })
    const badId = await session.invoke('streamOpen', { kind: 'logs', params: { service: 'api' }, streamId: 'a b' })
    expect(!badId.ok && badId.error.message).toMatch(/^Invalid streamOpen request: streamId:/)
    const badKind = await session.invoke('streamOpen', { kind: 'tail', params: {} })
    expect(!badKind.ok && badKind.error.message).toMatch(/^Invalid streamOpen request: kind: .*"logs"/)
    const badParams = await session.invoke('streamOpen', { kind: 'logs', params: { service: 'api', tail: -1 } })
    expect(!badParams.ok && badParams.error.message).toMatch(/^Invalid streamOpen request: params\.tail:/)
    expect(backend.calls).toEqual([])
  })

  it('passes a valid request with its defaults filled in', async () => {
    const backend = recordingBackend()
    await new PanelSession(backend, () => undefined).invoke('lookup', { id: '104233' })
    expect(backend.calls).toEqual([{ operation: 'lookup', request: { id: '104233', refresh: false } }])
  })

  it('turns a throw into its error value: a known class by its kind, anything else as Internal', async () => {
    let error: unknown = new StackError('UnknownService', 'No service "x"', 'Services: api')
    const session = new PanelSession(
      recordingBackend(() => {
        throw error
      }),
      () => undefined
    )
    expect(await session.invoke('status', {})).toEqual({
      ok: false,
      error: { kind: 'UnknownService', message: 'No service "x"', hint: 'Services: api' }
    })
    error = new Error('boom')
    expect(await session.invoke('status', {})).toEqual({
      ok: false,
      error: {
        kind: 'Internal',
        message: 'boom',
        hint: 'An unexpected error; see the logs of the process that reported it.'
      }
    })
  })

  it('delivers every broadcast event until disposed, then answers PanelDisconnected', async () => {
    const backend = recordingBackend()
    const seen: unknown[] = []
    const session = new PanelSession(backend, (event) => seen.push(event))
    expect([...backend.listeners.keys()].sort()).toEqual([...BROADCAST_EVENT_NAMES].sort())
    expect(BROADCAST_EVENT_NAMES).not.toContain('streamData')
    expect(BROADCAST_EVENT_NAMES).not.toContain('streamEnd')
    backend.listeners.get('status')?.({ project: 'p' })
    expect(seen).toEqual([{ event: 'status', payload: { project: 'p' } }])
    session.dispose()
    expect(backend.listeners.size).toBe(0)
    expect(await session.invoke('status', {})).toMatchObject({ ok: false, error: { kind: 'PanelDisconnected' } })
    expect(backend.calls).toEqual([])
  })

  it('masks credentials in answers, error values and events', async () => {
    const secret = 'Gen3rated-pw_x'
    let fail = false
    const backend = recordingBackend(() => {
      if (fail)
        throw new BrokerUnavailable(
          `Cannot connect to the AMQP broker at amqp://deck-1:${secret}@127.0.0.1:5672: ECONNREFUSED`
        )
      return { amqpUri: `amqp://deck-1:${secret}@127.0.0.1:5672`, lines: [{ text: `password is ${secret}` }] }
    }, [secret])
    const seen: unknown[] = []
    const session = new PanelSession(backend, (event) => seen.push(event))
    expect(await session.invoke('status', {})).toEqual({
      ok: true,
      value: { amqpUri: 'amqp://deck-1:***@127.0.0.1:5672', lines: [{ text: 'password is ***' }] }
    })
    fail = true
    const failed = await session.invoke('status', {})
    expect(failed).toMatchObject({ ok: false, error: { kind: 'BrokerUnavailable' } })
    expect(JSON.stringify(failed)).not.toContain(secret)
    expect(!failed.ok && failed.error.message).toContain('amqp://deck-1:***@127.0.0.1:5672')
    backend.listeners.get('broker')?.({ amqp: { message: `AMQP broker at amqp://deck-1:${secret}@h` } })
    expect(seen).toEqual([{ event: 'broker', payload: { amqp: { message: 'AMQP broker at amqp://deck-1:***@h' } } }])
  })
})
