import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'
import { SocketPanelApi, socketUrlFor } from './socket-panel-api'
import type { SocketLike } from './socket-panel-api'

/** A real WebSocket server that answers invokes the way the web shell frames them. */
async function startServer(onFrame: (frame: { id: number; operation: string; request: unknown }, send: (data: unknown) => void) => void): Promise<{ url: string; server: WebSocketServer }> {
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
      const answer = (): void => send({ type: 'result', id: frame.id, result: { ok: true, value: { echoed: frame.operation, request: frame.request } } })
      // Hold the first answer until the second arrives, so answers cross.
      if (frame.operation === 'status') held.push(answer)
      else {
        answer()
        for (const h of held.splice(0)) h()
      }
    })
    const api = new SocketPanelApi(url, createSocket)
    cleanups.push(() => api.close(), () => server.close())
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
    cleanups.push(() => api.close(), () => server.close())
    const ends: unknown[] = []
    const unsubscribe = api.on('logEnd', (payload) => ends.push(payload))
    await api.invoke('config', {})
    push!({ type: 'event', event: 'logEnd', payload: { streamId: 's1', reason: 'done' } })
    push!({ type: 'event', event: 'logLine', payload: { streamId: 's1' } })
    await expect.poll(() => ends.length).toBe(1)
    unsubscribe()
    push!({ type: 'event', event: 'logEnd', payload: { streamId: 's2', reason: 'done' } })
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
    cleanups.push(() => api.close(), () => server.close())
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

describe('SocketPanelApi log follows', () => {
  it('follows again under the same stream id after a reconnect, from tail 0, and ends nothing', async () => {
    const logRequests: { connection: number; request: { streamId?: string; tail?: number } }[] = []
    let connections = 0
    const { url, server } = await startServer((frame, send) => {
      if (frame.operation === 'logs') {
        const request = frame.request as { streamId: string; tail?: number }
        logRequests.push({ connection: connections, request })
        send({ type: 'result', id: frame.id, result: { ok: true, value: { lines: [], streamId: request.streamId } } })
        // The second connection's follow pushes a line under the id the view knows.
        if (connections === 2) send({ type: 'event', event: 'logLine', payload: { streamId: request.streamId, container: 'c', service: 'api', stream: 'stdout', time: null, line: 'after' } })
      } else if (frame.operation === 'status') for (const client of server.clients) client.terminate()
    })
    server.on('connection', () => connections++)
    const api = new SocketPanelApi(url, createSocket)
    cleanups.push(() => api.close(), () => server.close())
    const ends: unknown[] = []
    const lines: { streamId: string; line: string }[] = []
    api.on('logEnd', (end) => ends.push(end))
    api.on('logLine', (line) => lines.push(line))
    const first = await api.invoke('logs', { service: 'api', follow: true, tail: 50 })
    const streamId = first.ok ? first.value.streamId : null
    expect(streamId).toMatch(/^[A-Za-z0-9_-]+$/)
    await api.invoke('status', {})
    await expect.poll(() => lines.length).toBe(1)
    expect(lines[0]).toMatchObject({ streamId, line: 'after' })
    expect(logRequests.map((r) => [r.connection, r.request.streamId, r.request.tail])).toEqual([
      [1, streamId, 50],
      [2, streamId, 0]
    ])
    expect(ends).toEqual([])
  })

  it('does not follow again what was stopped or ended before the drop', async () => {
    const logRequests: string[] = []
    const { url, server } = await startServer((frame, send) => {
      const request = frame.request as { streamId: string }
      if (frame.operation === 'logs') {
        logRequests.push(request.streamId)
        send({ type: 'result', id: frame.id, result: { ok: true, value: { lines: [], streamId: request.streamId } } })
      } else if (frame.operation === 'stopLogs') send({ type: 'result', id: frame.id, result: { ok: true, value: { stopped: true } } })
      else if (frame.operation === 'status') for (const client of server.clients) client.terminate()
      else send({ type: 'result', id: frame.id, result: { ok: true, value: {} } })
    })
    const api = new SocketPanelApi(url, createSocket)
    cleanups.push(() => api.close(), () => server.close())
    await api.invoke('logs', { service: 'api', follow: true, streamId: 'kept' })
    await api.invoke('logs', { service: 'api', follow: true, streamId: 'stopped' })
    await api.invoke('stopLogs', { streamId: 'stopped' })
    await api.invoke('status', {})
    await api.invoke('config', {})
    await expect.poll(() => logRequests.length).toBe(3)
    expect(logRequests).toEqual(['kept', 'stopped', 'kept'])
  })
})

describe('socketUrlFor', () => {
  it('follows crawls again under the same followId after a reconnect, handing on the fresh detail, but not those unfollowed or ended', async () => {
    const follows: { connection: number; followId: string }[] = []
    let connections = 0
    const { url, server } = await startServer((frame, send) => {
      if (frame.operation === 'crawlFollow') {
        const { followId } = frame.request as { followId: string }
        follows.push({ connection: connections, followId })
        send({ type: 'result', id: frame.id, result: { ok: true, value: { followId, detail: { connection: connections } } } })
      } else if (frame.operation === 'status') for (const client of server.clients) client.terminate()
      else {
        const third = follows[2]?.followId
        if (frame.operation === 'config' && third) send({ type: 'event', event: 'crawlProgressEnd', payload: { followId: third, reason: 'the crawl ended' } })
        send({ type: 'result', id: frame.id, result: { ok: true, value: { stopped: true } } })
      }
    })
    server.on('connection', () => connections++)
    const api = new SocketPanelApi(url, createSocket)
    cleanups.push(() => api.close(), () => server.close())
    const ends: unknown[] = []
    const progress: unknown[] = []
    api.on('crawlProgressEnd', (end) => ends.push(end))
    api.on('crawlProgress', (event) => progress.push(event))
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const r = await api.invoke('crawlFollow', { id: 'c-1' })
      if (r.ok) ids.push(r.value.followId)
    }
    expect(new Set(ids).size).toBe(3)
    await api.invoke('crawlUnfollow', { followId: ids[1] as string })
    await api.invoke('config', {}) // the server ends the third on its own
    await api.invoke('status', {}) // and drops the connection
    await expect.poll(() => progress.length).toBe(1)
    expect(follows.map((f) => [f.connection, f.followId])).toEqual([...ids.map((id) => [1, id]), [2, ids[0]]])
    expect(progress).toEqual([{ followId: ids[0], detail: { connection: 2 } }])
    expect(ends).toEqual([{ followId: ids[2], reason: 'the crawl ended' }])
  })

  it('follows stats again under the same followId after a reconnect, but not one unfollowed', async () => {
    const follows: { connection: number; followId: string }[] = []
    let connections = 0
    const { url, server } = await startServer((frame, send) => {
      if (frame.operation === 'statsFollow') {
        const { followId } = frame.request as { followId: string }
        follows.push({ connection: connections, followId })
        send({ type: 'result', id: frame.id, result: { ok: true, value: { followId, history: [] } } })
      } else if (frame.operation === 'status') for (const client of server.clients) client.terminate()
      else send({ type: 'result', id: frame.id, result: { ok: true, value: { stopped: true } } })
    })
    server.on('connection', () => connections++)
    const api = new SocketPanelApi(url, createSocket)
    cleanups.push(() => api.close(), () => server.close())
    const ids: string[] = []
    for (let i = 0; i < 2; i++) {
      const r = await api.invoke('statsFollow', {})
      if (r.ok) ids.push(r.value.followId)
    }
    await api.invoke('statsUnfollow', { followId: ids[1] as string })
    await api.invoke('status', {}) // the server drops the connection
    await expect.poll(() => follows.length).toBe(3)
    expect(follows.map((f) => [f.connection, f.followId])).toEqual([[1, ids[0]], [1, ids[1]], [2, ids[0]]])
  })

  it('keeps host and token and picks ws or wss by the page scheme', () => {
    expect(socketUrlFor({ protocol: 'http:', host: '127.0.0.1:7400', search: '?token=a%2Bb' })).toBe('ws://127.0.0.1:7400/ws?token=a%2Bb')
    expect(socketUrlFor({ protocol: 'https:', host: 'x', search: '' })).toBe('wss://x/ws')
  })
})
