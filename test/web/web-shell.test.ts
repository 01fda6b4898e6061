/**
 * The web shell over the real PanelController (real Docker engine, real RabbitMQ management
 * API for metrics), on a project name of its own that this test never starts: who may connect,
 * what a bad message gets back, and that events are pushed.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { connect as connectTcp } from 'node:net'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createPanel } from '../../src/main/panel-composition'
import type { Panel } from '../../src/main/panel-composition'
import { startupPanelConfig } from '../support/panel-settings'
import { TEST_AMQP_URI, TEST_ES_URL, TEST_MANAGEMENT_URL } from '../support/test-endpoints'
import { startWebShell } from '../../src/main/web/web-shell'
import type { WebShell } from '../../src/main/web/web-shell'
import type { ServerFrame } from '../../src/shared/socket-frames'

const REPO = resolve(fileURLToPath(import.meta.url), '../../..')
const project = `deckweb${randomBytes(3).toString('hex')}`
let panel: Panel
let shell: WebShell
let rendererDir: string
/** Files beside the renderer build that no request may read: a sibling folder whose name starts with the build's. */
let secretDir: string
const SECRET = `not-for-the-web-${randomBytes(6).toString('hex')}`

beforeAll(async () => {
  // A renderer build stand-in: the shell serves whatever folder it is given.
  rendererDir = mkdtempSync(join(tmpdir(), 'deck-renderer-'))
  mkdirSync(join(rendererDir, 'assets'))
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>panel</title><script type="module" src="./assets/app.js"></script>'
  )
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("panel")')
  secretDir = `${rendererDir}-secret`
  mkdirSync(secretDir)
  writeFileSync(join(secretDir, 'secret.txt'), SECRET)
  writeFileSync(join(rendererDir, '..', `${basename(rendererDir)}.txt`), SECRET)
  panel = createPanel(
    startupPanelConfig(
      {
        DECK_PROJECT: project,
        DECK_METRICS_INTERVAL_MS: '300',
        AMQP_URI: TEST_AMQP_URI,
        RABBITMQ_MANAGEMENT_URL: TEST_MANAGEMENT_URL,
        ELASTICSEARCH_URL: TEST_ES_URL
      },
      REPO
    )
  )
  await panel.controller.start()
  shell = await startWebShell({ controller: panel.controller, port: 0, host: '127.0.0.1', rendererDir })
})

afterAll(async () => {
  await shell?.close()
  await panel?.close()
  rmSync(rendererDir, { recursive: true, force: true })
  rmSync(secretDir, { recursive: true, force: true })
  rmSync(`${rendererDir}.txt`, { force: true })
})

const base = (): string => `http://127.0.0.1:${shell.port}`

/** Opens a socket; resolves with it when open, or with the refusal's HTTP status. */
function connect(
  url: string,
  headers: Record<string, string> = {}
): Promise<{ socket: WebSocket } | { status: number }> {
  return new Promise((resolvePromise, reject) => {
    const socket = new WebSocket(url, { headers })
    socket.once('open', () => resolvePromise({ socket }))
    socket.once('unexpected-response', (_request, response) => resolvePromise({ status: response.statusCode ?? 0 }))
    socket.once('error', reject)
  })
}

/** Frames as they arrive, and a way to wait for the first one that matches. */
function frames(
  socket: WebSocket
): (match: (frame: ServerFrame) => boolean, timeoutMs?: number) => Promise<ServerFrame> {
  const seen: ServerFrame[] = []
  const waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = []
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame
    seen.push(frame)
    for (const w of [...waiters]) {
      if (!w.match(frame)) continue
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve(frame)
    }
  })
  return (match, timeoutMs = 10_000) =>
    new Promise((resolvePromise, reject) => {
      const found = seen.find(match)
      if (found) return resolvePromise(found)
      const timer = setTimeout(() => reject(new Error('no matching frame in time')), timeoutMs)
      waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer)
          resolvePromise(f)
        }
      })
    })
}

describe('web shell: limits and bad input', () => {
  it('answers a malformed percent-escape with 400, not 500', async () => {
    expect((await fetch(`${base()}/assets/%E0%A4%A.js?token=${shell.token}`)).status).toBe(400)
  })

  it('answers a CONNECT request with 405 instead of closing the connection without a word', async () => {
    const answer = await new Promise<string>((resolvePromise, reject) => {
      const socket = connectTcp(shell.port, '127.0.0.1', () =>
        socket.write(`CONNECT /?token=${shell.token} HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\n\r\n`)
      )
      let text = ''
      socket.on('data', (chunk) => (text += chunk.toString()))
      socket.on('close', () => resolvePromise(text))
      socket.on('error', reject)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 405 /)
  })

  it('names its cookie after its port, so two shells on one host keep their own tokens', async () => {
    const cookie = (await fetch(shell.url)).headers.get('set-cookie') ?? ''
    expect(cookie.startsWith(`scrapedeck_token_${shell.port}=`)).toBe(true)
  })

  it('refuses a weak DECK_WEB_TOKEN at start, saying why', async () => {
    await expect(
      startWebShell({ controller: panel.controller, port: 0, rendererDir, token: 'secret' })
    ).rejects.toThrow(/too weak: it has 6 characters/)
    await expect(
      startWebShell({ controller: panel.controller, port: 0, rendererDir, token: 'a'.repeat(40) })
    ).rejects.toThrow(/too few different characters/)
  })

  it('answers 503 to a socket past its cap, and takes one again when a socket closes', async () => {
    const small = await startWebShell({ controller: panel.controller, port: 0, rendererDir, maxSockets: 2 })
    try {
      const url = `ws://127.0.0.1:${small.port}/ws?token=${small.token}`
      const first = await connect(url)
      const second = await connect(url)
      expect(await connect(url)).toEqual({ status: 503 })
      if ('socket' in first) first.socket.close()
      await expect
        .poll(async () => {
          const next = await connect(url)
          if ('socket' in next) next.socket.close()
          return 'socket' in next
        })
        .toBe(true)
      if ('socket' in second) second.socket.close()
    } finally {
      await small.close()
    }
  })
})

/**
 * One GET written by hand on a TCP socket: the request line goes out byte for byte, where
 * `fetch` would have collapsed `..` and turned backslashes into slashes before sending.
 */
function rawGet(requestTarget: string): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const socket = connectTcp(shell.port, '127.0.0.1', () =>
      socket.write(`GET ${requestTarget} HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\nConnection: close\r\n\r\n`)
    )
    let text = ''
    socket.on('data', (chunk) => (text += chunk.toString('latin1')))
    socket.on('error', reject)
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(text)
      if (status?.[1] === undefined)
        return reject(new Error(`not an HTTP answer: ${JSON.stringify(text.slice(0, 200))}`))
      resolvePromise({ status: Number(status[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) })
    })
  })
}

describe('web shell: paths cannot leave the renderer folder', () => {
  it('serves a file inside it to a hand-written request (the probe below can succeed)', async () => {
    const answer = await rawGet(`/assets/app.js?token=${shell.token}`)
    expect(answer).toMatchObject({ status: 200, body: 'console.log("panel")' })
  })

  // Each reaches, once decoded and resolved, a file outside the folder that exists.
  const sibling = (): string => basename(secretDir)
  const escapes: [string, () => string][] = [
    ['dot-dot segments', () => `/../${sibling()}/secret.txt`],
    ['encoded dots', () => `/%2e%2e/${sibling()}/secret.txt`],
    ['encoded slashes', () => `/..%2f${sibling()}%2fsecret.txt`],
    ['encoded dots and slashes', () => `/%2e%2e%2f${sibling()}%2fsecret.txt`],
    ['upper-case escapes', () => `/%2E%2E%2F${sibling()}%2Fsecret.txt`],
    ['from a subfolder', () => `/assets/..%2f..%2f${sibling()}%2fsecret.txt`],
    ['a file next to the folder', () => `/..%2f${basename(rendererDir)}.txt`],
    ['backslashes', () => `/..\\${sibling()}\\secret.txt`],
    ['encoded backslashes', () => `/..%5c${sibling()}%5csecret.txt`],
    ['mixed separators', () => `/assets\\..%2f..%5c..%2f${sibling()}/secret.txt`],
    ['an absolute path', () => `/${encodeURIComponent(join(secretDir, 'secret.txt'))}`],
    ['double-encoded', () => `/%252e%252e%252f${sibling()}%252fsecret.txt`]
  ]
  it.each(escapes)('refuses %s (no byte of the file outside)', async (_name, target) => {
    const answer = await rawGet(`${target()}?token=${shell.token}`)
    expect(answer.body).not.toContain(SECRET)
    expect([400, 404]).toContain(answer.status)
  })
})

describe('web shell: who may connect', () => {
  it('refuses pages without the token (401) and serves them with it, CSP header and cookie included', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(401)
    expect((await fetch(`${base()}/?token=wrong`)).status).toBe(401)
    expect((await fetch(`${base()}/assets/app.js`)).status).toBe(401)
    const page = await fetch(shell.url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<title>panel</title>')
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const cookie = page.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/)
    // The page's own assets load with the cookie alone.
    const asset = await fetch(`${base()}/assets/app.js`, { headers: { cookie: cookie.split(';')[0] ?? '' } })
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
    expect((await fetch(`${base()}/assets/../../etc/passwd?token=${shell.token}`)).status).toBe(404)
  })

  it('refuses a foreign Host (DNS rebinding) even with the token', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolvePromise, reject) => {
      request(
        {
          host: '127.0.0.1',
          port: shell.port,
          path: `/?token=${shell.token}`,
          headers: { host: `rebind.example:${shell.port}` }
        },
        (response) => {
          response.resume()
          resolvePromise(response.statusCode ?? 0)
        }
      )
        .on('error', reject)
        .end()
    })
    expect(status).toBe(403)
  })

  it('refuses socket upgrades without the token (401) or from another origin (403)', async () => {
    expect(await connect(`ws://127.0.0.1:${shell.port}/ws`)).toEqual({ status: 401 })
    expect(await connect(`ws://127.0.0.1:${shell.port}/ws?token=nope`)).toEqual({ status: 401 })
    expect(
      await connect(`ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`, { origin: 'http://evil.example' })
    ).toEqual({ status: 403 })
    const accepted = await connect(`ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`, {
      origin: `http://127.0.0.1:${shell.port}`
    })
    expect('socket' in accepted).toBe(true)
    if ('socket' in accepted) accepted.socket.close()
  })
})

describe('web shell: messages', () => {
  let socket: WebSocket
  let next: ReturnType<typeof frames>
  beforeAll(async () => {
    const opened = await connect(`ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`)
    if (!('socket' in opened)) throw new Error(`socket refused: ${opened.status}`)
    socket = opened.socket
    next = frames(socket)
  })
  afterAll(() => socket?.close())

  const invoke = async (id: number, operation: string, request: unknown): Promise<ServerFrame> => {
    socket.send(JSON.stringify({ type: 'invoke', id, operation, request }))
    return next((f) => f.type === 'result' && f.id === id)
  }

  it('answers a valid invoke from the real controller', async () => {
    const frame = await invoke(1, 'config', {})
    expect(frame).toMatchObject({
      type: 'result',
      id: 1,
      result: { ok: true, value: { project, scraperComposeService: 'scraper' } }
    })
    const status = await invoke(2, 'status', {})
    expect(status).toMatchObject({ result: { ok: true, value: { project, engine: { state: 'connected' } } } })
  })

  it('rejects invalid messages with a clear error, and the socket stays usable', async () => {
    socket.send('not json')
    expect(await next((f) => f.type === 'rejected')).toMatchObject({
      error: { kind: 'InvalidRequest', message: 'The frame is not valid JSON.' }
    })
    socket.send(JSON.stringify({ type: 'invoke', operation: 'status' }))
    expect(await next((f) => f.type === 'rejected' && f.error.message.includes('id'))).toMatchObject({
      error: { kind: 'InvalidRequest' }
    })

    const unknown = await invoke(3, 'deleteEverything', {})
    expect(unknown).toMatchObject({ result: { ok: false, error: { kind: 'UnknownOperation' } } })
    const badId = await invoke(4, 'lookup', { id: '../../etc/passwd' })
    expect(badId).toMatchObject({ result: { ok: false, error: { kind: 'InvalidRequest' } } })
    expect(badId.type === 'result' && !badId.result.ok && badId.result.error.message).toMatch(
      /^Invalid lookup request: id: A listing id is/
    )
    const badScale = await invoke(5, 'scale', { service: 'scraper', replicas: 1000 })
    expect(badScale.type === 'result' && !badScale.result.ok && badScale.result.error.message).toMatch(/replicas/)

    expect(await invoke(6, 'config', {})).toMatchObject({ result: { ok: true } })
  })

  it('pushes the controller’s events: broker metrics on its interval', async () => {
    const metrics = await next((f) => f.type === 'event' && f.event === 'metrics', 15_000)
    expect(metrics).toMatchObject({
      type: 'event',
      event: 'metrics',
      payload: { broker: { management: { state: expect.any(String) } } }
    })
    const sample = await next((f) => f.type === 'event' && f.event === 'metricsSample', 15_000)
    expect(sample.type === 'event' && typeof (sample.payload as { at: number }).at).toBe('number')
  })
})

describe('web shell: connections coming and going', () => {
  it('pushes the current status to a page as soon as it connects (changes made while it was away are not lost)', async () => {
    const opened = await connect(`ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`)
    if (!('socket' in opened)) throw new Error(`socket refused: ${opened.status}`)
    const next = frames(opened.socket)
    try {
      await expect(next((f) => f.type === 'event' && f.event === 'status', 5_000)).resolves.toMatchObject({
        payload: { project }
      })
    } finally {
      opened.socket.close()
    }
  })

  it('drops a client that sends a frame over the size limit, and keeps serving the others', async () => {
    const opened = await connect(`ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`)
    if (!('socket' in opened)) throw new Error(`socket refused: ${opened.status}`)
    const closed = new Promise<number>((resolveClose) => opened.socket.once('close', (code) => resolveClose(code)))
    opened.socket.on('error', () => undefined)
    opened.socket.send('x'.repeat(2 * 1024 * 1024))
    // 1009, Message Too Big: closed for the size, not for any other reason.
    expect(await closed).toBe(1009)

    const again = await connect(`ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`)
    if (!('socket' in again)) throw new Error(`socket refused after the bad client: ${again.status}`)
    const next = frames(again.socket)
    again.socket.send(JSON.stringify({ type: 'invoke', id: 1, operation: 'config', request: {} }))
    await expect(next((f) => f.type === 'result' && f.id === 1)).resolves.toMatchObject({ result: { ok: true } })
    again.socket.close()
  })
})
