/** `deck <command> [args] [--flags]` → one contract operation and its request. */
import type { OperationName } from '../../shared/contract'

export interface CliCommand {
  operation: OperationName
  request: Record<string, unknown>
  json: boolean
}

export class UsageError extends Error {
  override name = 'UsageError'
}

export const USAGE = `usage: npm run deck -- <command> [--json]
  up [service…]              create and start the stack (progress on stderr)
  down [--volumes]           stop and remove it (volumes only with --volumes)
  status                     services, replicas, health, containers
  scale <service> <n>        run n replicas of a service
  start|stop|restart <service>
  logs <service> [--follow] [--tail N] [--container NAME]
  stats [service]            CPU and memory per container
  metrics                    RabbitMQ queues and cross-layer findings
  lookup <id> [--refresh]    a listing: cache first, else scrape
  search <words…>            full-text search over cached listings
  rpc <service> <method> [JSON args array]`

export function parseCli(argv: string[]): CliCommand {
  const flags = new Set<string>()
  const values = new Map<string, string>()
  const words: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--tail' || arg === '--container') {
      const value = argv[++i]
      if (value === undefined) throw new UsageError(`${arg} needs a value`)
      values.set(arg, value)
    } else if (arg.startsWith('--')) flags.add(arg)
    else words.push(arg)
  }
  const json = flags.delete('--json')
  const [command, ...rest] = words
  const need = (n: number, what: string): void => {
    if (rest.length !== n) throw new UsageError(`${command} takes ${what}`)
  }
  const allow = (...allowed: string[]): void => {
    for (const f of flags) if (!allowed.includes(f)) throw new UsageError(`${command} does not take ${f}`)
  }
  const command_ = (operation: OperationName, request: Record<string, unknown>): CliCommand => ({ operation, request, json })
  switch (command) {
    case 'up':
      allow()
      return command_('up', rest.length > 0 ? { services: rest } : {})
    case 'down':
      allow('--volumes')
      need(0, 'no arguments')
      return command_('down', { removeVolumes: flags.has('--volumes') })
    case 'status':
      allow()
      need(0, 'no arguments')
      return command_('status', {})
    case 'scale': {
      allow()
      need(2, '<service> <n>')
      const n = Number(rest[1])
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`scale: "${rest[1]}" is not a whole number of replicas`)
      return command_('scale', { service: rest[0], replicas: n })
    }
    case 'start':
    case 'stop':
    case 'restart':
      allow()
      need(1, '<service>')
      return command_(`${command}Service`, { service: rest[0] })
    case 'logs': {
      allow('--follow')
      need(1, '<service>')
      const tail = values.get('--tail')
      if (tail !== undefined && !/^\d+$/.test(tail)) throw new UsageError(`--tail "${tail}" is not a number`)
      return command_('logs', {
        service: rest[0],
        follow: flags.has('--follow'),
        ...(tail === undefined ? {} : { tail: Number(tail) }),
        ...(values.has('--container') ? { container: values.get('--container') } : {})
      })
    }
    case 'stats':
      allow()
      return command_('stats', rest[0] === undefined ? {} : { service: rest[0] })
    case 'metrics':
      allow()
      return command_('metrics', {})
    case 'lookup':
      allow('--refresh')
      need(1, '<listing id>')
      return command_('lookup', { id: rest[0], refresh: flags.has('--refresh') })
    case 'search':
      allow()
      if (rest.length === 0) throw new UsageError('search takes <words…>')
      return command_('search', { query: rest.join(' ') })
    case 'rpc': {
      allow()
      if (rest.length < 2 || rest.length > 3) throw new UsageError('rpc takes <service> <method> [JSON args array]')
      let args: unknown = []
      if (rest[2] !== undefined) {
        try {
          args = JSON.parse(rest[2])
        } catch {
          throw new UsageError(`rpc: arguments must be a JSON array, got ${rest[2]}`)
        }
      }
      return command_('rpcCall', { service: rest[0], method: rest[1], args })
    }
    case undefined:
      throw new UsageError('no command')
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}
