import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'
import { SocketPanelApi, socketUrlFor } from './socket-panel-api'
import type { SocketLike } from './socket-panel-api'
import type { StreamData, StreamOpenRequest } from '../../../shared/contract'

/** A real WebSocket server that answers invokes the way the web shell frames them. */
async function startServer(
  onFrame: (frame: { id: number; operation: string; request: unknown }, send: (data: unknown) => void) => void
): Promise<{ url: string; server: WebSocketServer }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise((resolve) => server.once('listening', resolve))
  server.on('connection', (socket) => {
    socket.on('message', (data) => onFrame(JSON.parse(data.toString()), (frame) => socket.send(JSON.stringify(frame))))
  })
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`, server }
}

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})
const createSocket = (url: string): SocketLike => new WebSocket(url) as unknown as SocketLike

describe('SocketPanelApi', () => {
  it('matches answers to invokes by id, even out of order', async () => {
    const held: (() => void)[] = []
    const { url, server } = await startServer((frame, send) => {
      const answer = (): void =>
        send({
          type: 'result',
          id: frame.id,
          result: { ok: true, value: { echoed: frame.operation, request: frame.request } }
        })
      // Hold the first answer until the second arrives, so answers cross.
      if (frame.operation === 'status') held.push(answer)
      else {
        answer()
        for (const h of held.splice(0)) h()
      }
    })
    const api = new SocketPanelApi(url, createSocket)
    cleanups.push(
      () => api.close(),
      () => server.close()
    )
    const first = api.invoke('status', {})
    const second = api.invoke('lookup', { id: '42' })
    expect(await second).toEqual({ ok: true, value: { echoed: 'lookup', request: { id: '42' } } })
    expect(await first).toEqual({ ok: true, value: { echoed: 'status', request: {} } })
  })

  it('delivers pushed events to the listeners of that event until they unsubscribe', async () => {
    let push: ((data: unknown) => void) | null = null
    const { url, server } = await startServer((frame, send) => {
      push = send
      send({ type: 'result', id: frame.id, result: { ok: true, value: {} } })
    })
    const api = new SocketPanelApi(url, createSocket)
    cleanups.push(
      () => api.close(),
      () => server.close()
    )
    const ends: unknown[] = []
    const unsubscribe = api.on('streamEnd', (payload) => ends.push(payload))
    await api.invoke('config', {})
    push!({ type: 'event', event: 'streamEnd', payload: { streamId: 's1', reason: 'done' } })
    push!({ type: 'event', event: 'streamData', payload: { streamId: 's1', kind: 'logs', items: [] } })
    await expect.poll(() => ends.length).toBe(1)
    unsubscribe()
    push!({ type: 'event', event: 'streamEnd', payload: { streamId: 's2', reason: 'done' } })
    await api.invoke('config', {}) // a round trip later, the second event has surely arrived
    expect(ends).toEqual([{ streamId: 's1', reason: 'done' }])
  })

  it('answers an error value, not a rejection, when the connection drops mid-call, then reconnects', async () => {
    let connections = 0
    const { url, server } = await startServer((frame, send) => {
      if (frame.operation === 'status') {
        for (const client of server.clients) client.terminate()
        return
      }
      send({ type: 'result', id: frame.id, result: { ok: true, value: { connections } } })
    })
    server.on('connection', () => connections++)
    const api = new SocketPanelApi(url, createSocket)
    cleanups.push(
      () => api.close(),
      () => server.close()
    )
    const states: string[] = []
    api.onConnection((s) => states.push(s))
    const lost = await api.invoke('status', {})
    expect(lost).toMatchObject({ ok: false, error: { kind: 'PanelDisconnected' } })
    expect(!lost.ok && lost.error.message).toMatch(/connection to the panel server was lost/)
    const after = await api.invoke('config', {})
    expect(after).toEqual({ ok: true, value: { connections: 2 } })
    expect(states).toContain('closed')
    expect(states.at(-1)).toBe('open')
  })
})

describe('SocketPanelApi streams', () => {
  /**
   * A server whose streamOpen answers ok (pushing one item of the connection's number first;
   * a stream named `ended` ends at once), and which drops the socket on `status`.
   */
  async function streamServer(refuseAfterReconnect: string[] = []) {
    const opens: { connection: number; request: StreamOpenRequest }[] = []
    let connections = 0
    const { url, server } = await startServer((frame, send) => {
      const answer = (result: unknown): void => send({ type: 'result', id: frame.id, result })
      if (frame.operation === 'streamOpen') {
        const request = frame.request as StreamOpenRequest
        opens.push({ connection: connections, request })
        if (connections > 1 && refuseAfterReconnect.includes(request.streamId ?? '')) {
          return answer({ ok: false, error: { kind: 'ContainerNotFound', message: 'gone', hint: null } })
        }
        send({
          type: 'event',
          event: 'streamData',
          payload: { streamId: request.streamId, kind: request.kind, items: [{ connection: connections }] }
        })
        answer({ ok: true, value: { streamId: request.streamId } })
        if (request.streamId === 'ended')
          send({ type: 'event', event: 'streamEnd', payload: { streamId: 'ended', reason: 'container gone' } })
      } else if (frame.operation === 'status') for (const client of server.clients) client.terminate()
      else if (frame.operation === 'streamClose') answer({ ok: true, value: { closed: true } })
      else answer({ ok: true, value: {} })
    })
    server.on('connection', () => connections++)
    const api = new SocketPanelApi(url, createSocket)
    cleanups.push(
      () => api.close(),
      () => server.close()
    )
    const data: StreamData[] = []
    const ends: { streamId: string; reason: string }[] = []
    api.on('streamData', (d) => data.push(d))
    api.on('streamEnd', (e) => ends.push(e))
    return { api, opens, data, ends }
  }

  it('opens every kind again under the same id after a reconnect, resumed, handing on what the reopen sends, and ends nothing', async () => {
    const { api, opens, data, ends } = await streamServer()
    const logs = await api.invoke('streamOpen', { kind: 'logs', params: { service: 'api', tail: 50 } })
    await api.invoke('streamOpen', { kind: 'crawl', params: { id: 'c-1' }, streamId: 'mine' })
    await api.invoke('streamOpen', { kind: 'stats', params: {}, streamId: 'fleet' })
    // An id is picked here when the caller gave none, so the stream can be opened again.
    const logsId = logs.ok ? logs.value.streamId : null
    expect(logsId).toMatch(/^[A-Za-z0-9_-]+$/)
    await api.invoke('status', {}) // the server drops the connection
    await expect.poll(() => opens.length).toBe(6)
    expect(opens.map((o) => [o.connection, o.request.streamId, o.request.kind, o.request.resume ?? false])).toEqual([
      [1, logsId, 'logs', false],
      [1, 'mine', 'crawl', false],
      [1, 'fleet', 'stats', false],
      [2, logsId, 'logs', true],
      [2, 'mine', 'crawl', true],
      [2, 'fleet', 'stats', true]
    ])
    expect(opens[3]?.request.params).toEqual({ service: 'api', tail: 50 })
    await expect.poll(() => data.length).toBe(6)
    expect(data.filter((d) => d.streamId === 'mine').map((d) => d.items)).toEqual([
      [{ connection: 1 }],
      [{ connection: 2 }]
    ])
    expect(ends).toEqual([])
  })

  it('does not open again what was closed or ended before the drop; a stream refused on reopening ends with the reason', async () => {
    const { api, opens, ends } = await streamServer(['refused'])
    for (const streamId of ['kept', 'closed', 'ended', 'refused'])
      await api.invoke('streamOpen', { kind: 'logs', params: { service: 'api' }, streamId })
    await api.invoke('streamClose', { streamId: 'closed' })
    await api.invoke('status', {})
    await expect.poll(() => ends.length).toBe(2)
    expect(ends[0]).toEqual({ streamId: 'ended', reason: 'container gone' })
    expect(opens.filter((o) => o.connection === 2).map((o) => o.request.streamId)).toEqual(['kept', 'refused'])
    expect(ends[1]).toEqual({
      streamId: 'refused',
      reason: 'The stream could not be opened again after a reconnect: gone'
    })
  })

  it('ends its open streams for their views when closed by its user', async () => {
    const { api, ends } = await streamServer()
    await api.invoke('streamOpen', { kind: 'logs', params: { service: 'api' }, streamId: 'a' })
    api.close()
    expect(ends).toEqual([])
    await expect.poll(() => ends).toEqual([{ streamId: 'a', reason: 'The panel connection was closed.' }])
  })
})

describe('socketUrlFor', () => {
  it('keeps host and token and picks ws or wss by the page scheme', () => {
    expect(socketUrlFor({ protocol: 'http:', host: '127.0.0.1:7400', search: '?token=a%2Bb' })).toBe(
      'ws://127.0.0.1:7400/ws?token=a%2Bb'
    )
    expect(socketUrlFor({ protocol: 'https:', host: 'x', search: '' })).toBe('wss://x/ws')
  })
})
