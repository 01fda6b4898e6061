/**
 * The host ports compose.yaml publishes, by the variable that moves each one and its
 * default there (`${RABBITMQ_PORT:-5672}`). The panel derives its endpoints from them, the
 * port pre-check names them in its hint. A unit test checks them against compose.yaml.
 */

export interface StackPort {
  variable: string
  default: number
}

export const STACK_PORTS = {
  amqp: { variable: 'RABBITMQ_PORT', default: 5672 },
  management: { variable: 'RABBITMQ_MANAGEMENT_PORT', default: 15672 },
  elasticsearch: { variable: 'ELASTICSEARCH_PORT', default: 9200 },
  api: { variable: 'API_PORT', default: 8080 },
  jobboard: { variable: 'JOBBOARD_PORT', default: 8081 }
} as const satisfies Record<string, StackPort>

/** The port a variable sets, else its default; a value that is not a port is an error naming the variable. */
export function publishedPort(port: StackPort, variables: Readonly<Record<string, string | undefined>>): number {
  const raw = variables[port.variable]
  if (raw === undefined || raw === '') return port.default
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n < 1 || n > 65535)
    throw new Error(`${port.variable} must be a port number (1–65535), got "${raw}"`)
  return n
}
