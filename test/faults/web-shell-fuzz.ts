/**
 * Fuzzed traffic at the web shell (src/main/web) over the panel on the real stack: seeded
 * WebSocket frames (garbage, wrong shapes, unknown and prototype-named operations, fuzzed
 * requests to the read-only operations, deep nesting, binary, oversized) each answered by one
 * `result` or `rejected` frame in its bound, and raw HTTP requests (bad request lines, bad
 * escapes, foreign hosts, odd methods) each answered by a status below 500.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect as connectTcp } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { createSeededRandom } from '../../src/services/jobboard/seeded-random'
import type { SeededRandom } from '../../src/services/jobboard/seeded-random'
import { startWebShell } from '../../src/main/web/web-shell'
import type { WebShell } from '../../src/main/web/web-shell'
import type { ServerFrame } from '../../src/shared/socket-frames'
import type { PanelUnderTest } from '../support/panel-under-test'
import { ScenarioTally } from './fault-tally'
import type { Answer } from './fault-tally'
import { fuzzedIds } from './id-fuzz'

/** Operations that only read: a fuzzed frame must never start, stop or scale anything. */
const READ_ONLY_OPERATIONS = [
  'config',
  'status',
  'metrics',
  'metricHistory',
  'lookup',
  'search',
  'preflight',
  'crawlList',
  'crawlGet',
  'crawlItems',
  'streamClose'
]
const ODD_OPERATIONS = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  'STATUS',
  'status ',
  'up\u0000',
  'x'.repeat(10_000)
]

function fuzzValue(random: SeededRandom, depth = 0): unknown {
  const shape = random.int(0, depth > 3 ? 5 : 8)
  switch (shape) {
    case 0:
      return null
    case 1:
      return random.int(-1e9, 1e9) / random.pick([1, 3, 1e-300])
    case 2:
      return random.pick([
        '',
        'scraper',
        '../../etc/passwd',
        '\u0000',
        '😀',
        'x'.repeat(random.int(1, 5000)),
        '${HOME}',
        '<img src=x onerror=alert(1)>'
      ])
    case 3:
      return random.chance(0.5)
    case 4:
      return random.pick([-1, 0, 1, 2 ** 53, Number.MAX_VALUE, 1e21])
    case 5:
      return random.pick(['id', 'q', 'service', 'streamId'])
    case 6:
      return Array.from({ length: random.int(0, 4) }, () => fuzzValue(random, depth + 1))
    default: {
      const keys = [
        'id',
        'q',
        'refresh',
        'service',
        'replicas',
        'page',
        'pageSize',
        'skill',
        'streamId',
        'kind',
        'params',
        'services',
        '__proto__',
        'constructor',
        'status',
        'cursor',
        'limit'
      ]
      return Object.fromEntries(
        Array.from({ length: random.int(0, 4) }, () => [random.pick(keys), fuzzValue(random, depth + 1)])
      )
    }
  }
}

/** One fuzzed frame: text to send (or a Buffer for a binary frame). */
function fuzzFrame(random: SeededRandom, id: number, ids: ReturnType<typeof fuzzedIds>): string | Buffer {
  const shape = random.int(0, 99)
  const invoke = (operation: unknown, request: unknown, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ type: 'invoke', id, operation, request, ...extra })
  if (shape < 8)
    return Array.from({ length: random.int(0, 60) }, () => String.fromCharCode(random.int(0, 0xffff))).join('')
  if (shape < 14) return invoke('status', {}).slice(0, random.int(0, 40))
  if (shape < 20)
    return JSON.stringify(
      random.pick([0, -1, 'invoke', [], [1, 2], true, null, { type: 'invoke' }, { type: 'result', id }])
    )
  if (shape < 28)
    return JSON.stringify({
      type: random.pick(['invoke', 'INVOKE', 'event', 1]),
      id: random.pick([id, -id, id + 0.5, String(id), null]),
      operation: 'config',
      request: {}
    })
  if (shape < 32)
    return invoke('config', {}, { [random.pick(['extra', '__proto__', 'constructor'])]: fuzzValue(random) })
  if (shape < 40) return invoke(random.pick(ODD_OPERATIONS), fuzzValue(random))
  if (shape < 55)
    return invoke('lookup', { id: random.pick(ids).id, ...(random.chance(0.3) ? { refresh: fuzzValue(random) } : {}) })
  if (shape < 88) return invoke(random.pick(READ_ONLY_OPERATIONS), fuzzValue(random))
  if (shape < 92)
    return `{"type":"invoke","id":${id},"operation":"status","request":${'['.repeat(random.int(1000, 60_000))}`
  if (shape < 95) return invoke('status', JSON.parse(`${'['.repeat(3000)}${']'.repeat(3000)}`))
  if (shape < 98) return Buffer.from(Array.from({ length: random.int(0, 64) }, () => random.int(0, 255)))
  return invoke('config', { pad: 'x'.repeat(2 * 1024 * 1024) })
}

interface OpenSocket {
  socket: WebSocket
  next: (timeoutMs: number) => Promise<ServerFrame | 'closed' | 'hung'>
}

async function openSocket(shell: WebShell): Promise<OpenSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`)
  socket.on('error', () => undefined)
  const queue: (ServerFrame | 'closed')[] = []
  let wake: (() => void) | null = null
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame
    if (frame.type === 'event') return
    queue.push(frame)
    wake?.()
  })
  socket.on('close', () => {
    queue.push('closed')
    wake?.()
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('unexpected-response', (_req, res) => reject(new Error(`socket refused: ${res.statusCode}`)))
  })
  const next = async (timeoutMs: number): Promise<ServerFrame | 'closed' | 'hung'> => {
    const deadline = Date.now() + timeoutMs
    while (queue.length === 0) {
      const left = deadline - Date.now()
      if (left <= 0) return 'hung'
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      wake = null
    }
    return queue.shift()!
  }
  return { socket, next }
}

function frameAnswer(frame: ServerFrame, id: number): Answer {
  if (frame.type === 'rejected') return { ok: false, kind: frame.error.kind, detail: frame.error.message }
  if (frame.type !== 'result') return { ok: false, kind: null, detail: `unexpected ${frame.type} frame` }
  if (frame.id !== id) return { ok: false, kind: null, detail: `result for id ${frame.id}, expected ${id}` }
  return frame.result.ok
    ? { ok: true }
    : { ok: false, kind: frame.result.error.kind, detail: frame.result.error.message }
}

export async function fuzzedWebShellFrames(panel: PanelUnderTest, count: number): Promise<ScenarioTally> {
  const tally = new ScenarioTally(`${count} fuzzed web-shell frames`, 10_000)
  const random = createSeededRandom(13)
  const ids = fuzzedIds(500, 14)
  const rendererDir = mkdtempSync(join(tmpdir(), 'deck-faults-renderer-'))
  mkdirSync(join(rendererDir, 'assets'))
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>panel</title>')
  const shell = await startWebShell({ controller: panel.panel.controller, port: 0, host: '127.0.0.1', rendererDir })
  try {
    let open = await openSocket(shell)
    for (let id = 1; id <= count; id++) {
      const frame = fuzzFrame(random, id, ids)
      await tally.track(
        async () => {
          open.socket.send(frame, { binary: Buffer.isBuffer(frame) })
          const answer = await open.next(tally.boundMs + 1000)
          if (answer === 'hung') return new Promise<Answer>(() => undefined)
          if (answer === 'closed') {
            const oversized = typeof frame === 'string' && frame.length > 1024 * 1024
            open = await openSocket(shell)
            return oversized
              ? { ok: false, kind: 'FrameTooLarge', detail: 'the shell closed the socket (1009)' }
              : { ok: false, kind: null, detail: 'the shell closed the socket' }
          }
          return frameAnswer(answer, id)
        },
        typeof frame === 'string' ? JSON.stringify(frame.slice(0, 160)) : 'a binary frame'
      )
    }
    open.socket.close()
    await fuzzedHttp(shell, tally, random, Math.round(count / 4))
  } finally {
    await shell.close()
    rmSync(rendererDir, { recursive: true, force: true })
  }
  return tally.finish()
}

/** Raw HTTP/1.1 requests (the client library would refuse most of them): every answer is a status below 500. */
async function fuzzedHttp(shell: WebShell, tally: ScenarioTally, random: SeededRandom, count: number): Promise<void> {
  const host = `127.0.0.1:${shell.port}`
  const token = `token=${shell.token}`
  const paths = [
    '/',
    `/?${token}`,
    `/assets/%E0%A4%A.js?${token}`,
    `/%?${token}`,
    `/..%2F..%2Fetc%2Fpasswd?${token}`,
    `/assets/../../../etc/passwd?${token}`,
    `/ws?${token}`,
    `/export/x?${token}`,
    `/crawls/%00/export.csv?${token}`,
    `//${token}`,
    `/${'a'.repeat(9000)}?${token}`,
    `/?${token}&${token}`,
    `/?token=`,
    `/index.html?${token}#x`,
    `/\u00e9?${token}`
  ]
  for (let i = 0; i < count; i++) {
    const method = random.pick([
      'GET',
      'GET',
      'GET',
      'HEAD',
      'POST',
      'PUT',
      'DELETE',
      'OPTIONS',
      'TRACE',
      'CONNECT',
      'G\u0000T',
      'BREW'
    ])
    const path = random.pick(paths)
    const hostHeader = random.pick([
      host,
      host,
      'evil.example',
      `localhost:${shell.port}`,
      '',
      `${host}\r\nX-Injected: 1`
    ])
    const lineBreak = random.pick(['\r\n', '\r\n', '\n'])
    const raw = random.chance(0.1)
      ? `${Array.from({ length: random.int(1, 80) }, () => String.fromCharCode(random.int(0, 255))).join('')}\r\n\r\n`
      : `${method} ${path} HTTP/1.1${lineBreak}Host: ${hostHeader}${lineBreak}Connection: close${lineBreak}${lineBreak}`
    await tally.track(() => rawHttpStatus(shell.port, raw, tally.boundMs), JSON.stringify(raw.slice(0, 100)))
  }
}

function rawHttpStatus(port: number, raw: string, boundMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1')
    let text = ''
    const done = (answer: Answer): void => {
      socket.destroy()
      resolve(answer)
    }
    socket.setTimeout(boundMs + 1000, () => socket.destroy())
    socket.on('error', () => undefined)
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1')
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      if (match === null) return
      const status = Number(match[1])
      done(
        status < 400
          ? { ok: true }
          : status < 500
            ? { ok: false, kind: `HTTP ${status}`, detail: text.split('\r\n')[0] ?? '' }
            : { ok: false, kind: null, detail: `answered ${status}` }
      )
    })
    // Node's HTTP parser closes a connection whose request it cannot read with a 400; a
    // close with no status line at all is not an answer.
    socket.on('close', () =>
      done({ ok: false, kind: null, detail: `closed with no status line (${JSON.stringify(raw.slice(0, 60))})` })
    )
    socket.write(raw, 'latin1')
  })
}
