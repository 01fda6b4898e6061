/**
 * Structured logs: one JSON object per line on stderr, so `docker logs` and the panel's
 * log drawer can both read them and stdout stays free for a command's real output, and the
 * same line handed to the log shipper (logs/log-shipper.ts) when the process ships its lines
 * to the stack's log store. Every line carries the fixed fields of
 * src/shared/log-record.ts: time, level, service, replica, component, msg; the rest are the
 * caller's fields. Passwords are masked (src/shared/secret-mask.ts) before a line leaves the
 * process, by either path.
 * Lines are written together at most FLUSH_MS after the first of them, not one by one: a
 * write to a file or pipe is a synchronous system call in Node, and the API logs a line per
 * request (one write per event-loop turn still cost ~5 % of a cached lookup's CPU). What is
 * still queued when the process exits is written on exit.
 */
import { hostname } from 'node:os'
import { CREDENTIAL_VARIABLES, userinfoOf } from '../shared/stack-credentials'
import { secretMasker } from '../shared/secret-mask'
import type { LogLevel } from '../shared/log-record'

export type { LogLevel }

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** Who writes this process's lines: the stack service and which replica of it. */
export interface LogIdentity {
  service: string
  replica: string
}

let identity: LogIdentity = { service: process.env['LOG_SERVICE'] || 'unknown', replica: hostname() }
let identityText = identityFields(identity)
let mask = secretMasker(secretsFromEnv())
let sink: ((line: string) => void) | null = null

/**
 * Names the process's lines (a service's main calls it first). Lines of loggers made before
 * carry the new identity too.
 */
export function setLogIdentity(next: Partial<LogIdentity>): void {
  identity = { ...identity, ...next }
  identityText = identityFields(identity)
}

export function logIdentity(): LogIdentity {
  return identity
}

/** Every line, masked and newline-free, also goes to `receive` (the log shipper); null stops that. */
export function setLogSink(receive: ((line: string) => void) | null): void {
  sink = receive
}

/** Masks these secrets too (beyond those of the environment) in every line from now on. */
export function addLogSecrets(secrets: readonly string[]): void {
  mask = secretMasker([...secretsFromEnv(), ...secrets])
}

export function createLogger(
  component: string,
  level: LogLevel = (process.env['LOG_LEVEL'] as LogLevel) || 'info'
): Logger {
  const threshold = ORDER[level] ?? ORDER.info
  const write = (lvl: LogLevel) => {
    const head = `","level":"${lvl}",`
    const tail = `"component":${JSON.stringify(component)},"msg":`
    return (msg: string, fields?: Record<string, unknown>) => {
      if (ORDER[lvl] < threshold) return
      const line = mask(
        `{"time":"${new Date().toISOString()}${head}${identityText}${tail}${JSON.stringify(msg)}${fieldsText(fields)}`
      )
      queueLine(line)
      sink?.(line)
    }
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

function identityFields(who: LogIdentity): string {
  return `"service":${JSON.stringify(who.service)},"replica":${JSON.stringify(who.replica)},`
}

/** The stack's passwords as this process knows them: the credentials file's and those inside its endpoint URIs. */
function secretsFromEnv(): string[] {
  const env = process.env
  const secrets = [env[CREDENTIAL_VARIABLES.rabbitmqPassword] ?? '', env[CREDENTIAL_VARIABLES.elasticPassword] ?? '']
  for (const name of ['AMQP_URI', 'ELASTICSEARCH_URL']) {
    const value = env[name]
    const userinfo = value ? userinfoOf(value) : null
    if (userinfo !== null) secrets.push(userinfo.password)
  }
  return secrets
}

const FIXED_FIELDS = ['time', 'level', 'service', 'replica', 'component', 'msg'] as const

/**
 * `,"a":1,…}`: the fields after the fixed ones, without building a merged object. A field
 * named like a fixed one (time, level, service, replica, component, msg) is written as
 * `<name>_`: a line with a key twice is refused by the log store, and the fixed value is the
 * one a reader must be able to trust (which service wrote the line).
 */
export function fieldsText(fields: Record<string, unknown> | undefined): string {
  if (fields === undefined) return '}'
  let clashes: Record<string, unknown> | null = null
  for (const name of FIXED_FIELDS) {
    if (!Object.hasOwn(fields, name)) continue
    clashes ??= { ...fields }
    clashes[`${name}_`] = clashes[name]
    delete clashes[name]
  }
  const text = JSON.stringify(clashes ?? fields)
  return text === '{}' ? '}' : `,${text.slice(1)}`
}

/** How late a line may reach stderr; past MAX_QUEUED of text it goes at once. */
const FLUSH_MS = 10
const MAX_QUEUED = 64 * 1024
let queued = ''
let flushing: NodeJS.Timeout | null = null

function queueLine(line: string): void {
  queued += `${line}\n`
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
