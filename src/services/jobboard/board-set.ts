/**
 * Several boards in one process: the default board and the named ones of JOBBOARD_BOARDS.
 * On the main port a request goes to the board whose name is its Host (a network alias of
 * the job board in the stack), any other Host to the default board, so the stack's
 * `jobboard` and its published port are what they were. A board given a port also listens
 * on it, for crawlers on loopback, where distinct ports are distinct hosts.
 *
 * `GET /_boards` on any of these listeners answers every board's `/_stats` at once, keyed by
 * name, so a test or benchmark outside the stack reads each board's truth through the one
 * published port.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http'
import type { Logger } from '../log.js'
import { silentLogger } from '../log.js'
import type { BoardSpec } from './board-set-config.js'
import { closeServer, createJobBoardServer, listenOn } from './server.js'
import type { BoardStats, JobBoardOptions } from './server.js'

const BOARDS_STATS_PATH = '/_boards'

interface NamedBoard {
  name: string
  /** Its own listener's URL, or null when it is reached by name on the main port only. */
  url: string | null
  board: ReturnType<typeof createJobBoardServer>
}

/** `GET /_boards`: each named board's stats with where it listens, and the default board's. */
export interface BoardSetStats {
  boards: Record<string, BoardStats & { url: string | null }>
  default: BoardStats
}

export interface RunningBoardSet {
  /** The main listener, e.g. http://127.0.0.1:8081. */
  url: string
  defaultBoard: ReturnType<typeof createJobBoardServer>
  boards: NamedBoard[]
  snapshot(): BoardSetStats
  close(): Promise<void>
}

export interface StartBoardSetOptions {
  host: string
  port: number
  /** The default board, answering every Host that names no board. */
  defaults: JobBoardOptions
  boards: readonly BoardSpec[]
  logger?: Logger
}

export async function startBoardSet(options: StartBoardSetOptions): Promise<RunningBoardSet> {
  const logger = options.logger ?? silentLogger
  const defaultBoard = createJobBoardServer({ ...options.defaults, logger })
  const named = options.boards.map((spec) => ({
    spec,
    board: createJobBoardServer({ ...spec.options, logger })
  }))
  const byName = new Map(named.map(({ spec, board }) => [spec.name, board]))
  const servers: Server[] = []
  const boards: NamedBoard[] = []

  const snapshot = (): BoardSetStats => ({
    boards: Object.fromEntries(boards.map(({ name, url, board }) => [name, { url, ...board.snapshot() }])),
    default: defaultBoard.snapshot()
  })
  /** `/_boards` on every listener; anything else to `board`. */
  const withSetStats =
    (board: (request: IncomingMessage) => RequestListener): RequestListener =>
    (request, response) => {
      if ((request.url ?? '').split('?', 1)[0] === BOARDS_STATS_PATH) return sendJson(response, snapshot())
      board(request)(request, response)
    }

  try {
    for (const { spec, board } of named) {
      let url: string | null = null
      if (spec.port !== null) {
        const server = createServer(withSetStats(() => board.handle))
        servers.push(server)
        url = await listenOn(server, spec.host ?? options.host, spec.port)
      }
      boards.push({ name: spec.name, url, board })
    }
    const main = createServer(withSetStats((request) => (byName.get(hostName(request)) ?? defaultBoard).handle))
    servers.unshift(main)
    const url = await listenOn(main, options.host, options.port)
    const close = async (): Promise<void> => {
      await Promise.all(servers.filter((server) => server.listening).map((server) => closeServer(server)))
    }
    return { url, defaultBoard, boards, snapshot, close }
  } catch (error) {
    await Promise.all(servers.filter((server) => server.listening).map((server) => closeServer(server)))
    throw error
  }
}

/** The Host header's name, lower case, without the port ("" when absent). */
function hostName(request: IncomingMessage): string {
  const host = (request.headers.host ?? '').toLowerCase()
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '')
}

function sendJson(response: ServerResponse, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8')
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(body.length),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff'
  })
  response.end(body)
}
