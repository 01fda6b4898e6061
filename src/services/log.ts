/**
 * Structured logs: one JSON object per line on stderr, so `docker logs` and the panel's
 * log drawer can both read them and stdout stays free for a command's real output.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export function createLogger(component: string, level: LogLevel = (process.env['LOG_LEVEL'] as LogLevel) || 'info'): Logger {
  const threshold = ORDER[level] ?? ORDER.info
  const write = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < threshold) return
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: lvl, component, msg, ...fields }) + '\n')
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

/** A logger that drops everything, for tests and library callers that did not ask for logs. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
