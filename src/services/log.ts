/**
 * Structured logs: one JSON object per line on stderr, so `docker logs` and the panel's
 * log drawer can both read them and stdout stays free for a command's real output.
 * Lines are written together at most FLUSH_MS after the first of them, not one by one: a
 * write to a file or pipe is a synchronous system call in Node, and the API logs a line per
 * request (one write per event-loop turn still cost ~5 % of a cached lookup's CPU). What is
 * still queued when the process exits is written on exit.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export function createLogger(
  component: string,
  level: LogLevel = (process.env['LOG_LEVEL'] as LogLevel) || 'info'
): Logger {
  const threshold = ORDER[level] ?? ORDER.info
  const prefix = (lvl: LogLevel): string => `","level":"${lvl}","component":${JSON.stringify(component)},"msg":`
  const write = (lvl: LogLevel) => {
    const head = prefix(lvl)
    return (msg: string, fields?: Record<string, unknown>) => {
      if (ORDER[lvl] < threshold) return
      queueLine(`{"time":"${new Date().toISOString()}${head}${JSON.stringify(msg)}${fieldsText(fields)}\n`)
    }
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

/**
 * `,"a":1,…}`: the fields after the fixed ones, without building a merged object. A field
 * named like a fixed one (time, level, component, msg) comes later in the line, so a JSON
 * reader sees its value, as it did when the fields were spread over the fixed ones.
 */
export function fieldsText(fields: Record<string, unknown> | undefined): string {
  if (fields === undefined) return '}'
  const text = JSON.stringify(fields)
  return text === '{}' ? '}' : `,${text.slice(1)}`
}

/** How late a line may reach stderr; past MAX_QUEUED of text it goes at once. */
const FLUSH_MS = 10
const MAX_QUEUED = 64 * 1024
let queued = ''
let flushing: NodeJS.Timeout | null = null

function queueLine(line: string): void {
  queued += line
  if (queued.length >= MAX_QUEUED) flushLines()
  else flushing ??= setTimeout(flushLines, FLUSH_MS).unref()
}

function flushLines(): void {
  if (flushing !== null) clearTimeout(flushing)
  flushing = null
  if (queued === '') return
  const text = queued
  queued = ''
  process.stderr.write(text)
}

process.on('exit', flushLines)

/** A logger that drops everything, for tests and library callers that did not ask for logs. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
