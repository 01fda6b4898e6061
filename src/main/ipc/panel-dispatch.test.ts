import { describe, expect, it } from 'vitest'
import type { EventListener, EventName, OperationName, OperationResult, PanelEvent } from '../../shared/contract'
import { LogStreamTracker, dispatchRequest, subscribeToAllEvents } from './panel-dispatch'
import type { PanelBackend } from './panel-dispatch'

/** Records what reaches it, so a test can prove a bad request never did. */
class RecordingBackend implements PanelBackend {
  readonly calls: { operation: string; request: unknown }[] = []
  readonly listeners = new Map<string, (payload: unknown) => void>()
  constructor(private readonly answer: (operation: string) => unknown = () => ({ ok: true, value: {} })) {}
  async invoke<K extends OperationName>(operation: K, request: unknown): Promise<OperationResult<K>> {
    this.calls.push({ operation, request })
    return this.answer(operation) as OperationResult<K>
  }
  on<K extends EventName>(event: K, listener: EventListener<K>): () => void {
    this.listeners.set(event, listener as (payload: unknown) => void)
    return () => this.listeners.delete(event)
  }
}

describe('dispatchRequest', () => {
  it('refuses an unknown operation by name, listing the known ones, and calls nothing', async () => {
    const backend = new RecordingBackend()
    const result = await dispatchRequest(backend, 'rm -rf', {})
    expect(result).toMatchObject({ ok: false, error: { kind: 'UnknownOperation' } })
    expect(!result.ok && result.error.message).toContain('"rm -rf"')
    expect(!result.ok && result.error.hint).toContain('lookup')
    expect(backend.calls).toEqual([])
  })

  it('refuses a request that breaks the contract, naming the field, and calls nothing', async () => {
    const backend = new RecordingBackend()
    const result = await dispatchRequest(backend, 'lookup', { id: '../etc/passwd' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'InvalidRequest' } })
    expect(!result.ok && result.error.message).toMatch(/^Invalid lookup request: id:/)
    expect(await dispatchRequest(backend, 'scale', { service: 'scraper', replicas: 99 })).toMatchObject({ ok: false })
    expect(await dispatchRequest(backend, 'status', { extra: true })).toMatchObject({ ok: false })
    expect(backend.calls).toEqual([])
  })

  it('passes a valid request with its defaults filled in', async () => {
    const backend = new RecordingBackend()
    await dispatchRequest(backend, 'lookup', { id: '104233' })
    expect(backend.calls).toEqual([{ operation: 'lookup', request: { id: '104233', refresh: false } }])
  })

  it('turns a throw into an Internal error value', async () => {
    const backend = new RecordingBackend(() => {
      throw new Error('boom')
    })
    const result = await dispatchRequest(backend, 'status', {})
    expect(result).toMatchObject({ ok: false, error: { kind: 'Internal' } })
    expect(!result.ok && result.error.message).toContain('boom')
  })
})

describe('subscribeToAllEvents and LogStreamTracker', () => {
  it('forwards every event in one envelope and unsubscribes from all', () => {
    const backend = new RecordingBackend()
    const seen: PanelEvent[] = []
    const unsubscribe = subscribeToAllEvents(backend, (event) => seen.push(event))
    expect(backend.listeners.size).toBe(8)
    backend.listeners.get('logEnd')?.({ streamId: 's', reason: 'gone' })
    expect(seen).toEqual([{ event: 'logEnd', payload: { streamId: 's', reason: 'gone' } }])
    unsubscribe()
    expect(backend.listeners.size).toBe(0)
  })

  it('stops the follow streams a client opened and that have not ended', async () => {
    const backend = new RecordingBackend()
    const tracker = new LogStreamTracker()
    tracker.noteResult('logs', { ok: true, value: { lines: [], streamId: 'a' } })
    tracker.noteResult('logs', { ok: true, value: { lines: [], streamId: 'b' } })
    tracker.noteResult('logs', { ok: true, value: { lines: [], streamId: null } })
    tracker.noteEvent({ event: 'logEnd', payload: { streamId: 'a', reason: 'container exited' } })
    await tracker.stopAll(backend)
    expect(backend.calls).toEqual([{ operation: 'stopLogs', request: { streamId: 'b' } }])
  })
})
