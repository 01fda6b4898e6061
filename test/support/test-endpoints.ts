/**
 * Where the tests reach the test infrastructure (scripts/infra.sh): the ports in
 * test/infra.env, apart from the stack's, so tests never talk to (or clash with) a stack
 * started from compose.yaml. TEST_AMQP_URI, TEST_RABBITMQ_MANAGEMENT_URL and
 * TEST_ELASTICSEARCH_URL, or the TEST_*_PORT variables, point them elsewhere.
 */
import { execFile } from 'node:child_process'
import { hostname } from 'node:os'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { readEnvFile } from '../../src/main/stack/env-file'

const INFRA = {
  ...readEnvFile(fileURLToPath(new URL('../infra.env', import.meta.url)), { optional: false }),
  ...definedEnv()
}

function definedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[0].startsWith('TEST_') && e[1] !== undefined && e[1] !== ''
    )
  )
}

function port(name: string): string {
  const value = INFRA[name]
  if (value === undefined || !/^\d+$/.test(value))
    throw new Error(`${name} must be a port number (test/infra.env or the environment), got "${value}"`)
  return value
}

/** Loopback only; 127.0.0.1 rather than localhost keeps eventlet's DNS (Nameko) out of it. */
export const TEST_AMQP_URI = INFRA['TEST_AMQP_URI'] ?? `amqp://guest:guest@127.0.0.1:${port('TEST_AMQP_PORT')}`
export const TEST_MANAGEMENT_URL =
  INFRA['TEST_RABBITMQ_MANAGEMENT_URL'] ?? `http://127.0.0.1:${port('TEST_RABBITMQ_MANAGEMENT_PORT')}`
export const TEST_ES_URL = INFRA['TEST_ELASTICSEARCH_URL'] ?? `http://127.0.0.1:${port('TEST_ELASTICSEARCH_PORT')}`

/**
 * The test RabbitMQ's node name, as scripts/infra.sh names it (one node per AMQP port): a
 * broker-restart test must address it, or `rabbitmqctl` restarts some other node on the host.
 */
export const TEST_RABBITMQ_NODE =
  INFRA['TEST_RABBITMQ_NODE'] ?? `scrapedeck-${port('TEST_AMQP_PORT')}@${hostname().split('.')[0]}`

/** `rabbitmqctl -n <the test node> <command>` (stop_app / start_app / await_startup). */
export async function testRabbitmqctl(command: 'stop_app' | 'start_app' | 'await_startup'): Promise<void> {
  await promisify(execFile)('rabbitmqctl', ['-n', TEST_RABBITMQ_NODE, command], { timeout: 60_000 })
}
