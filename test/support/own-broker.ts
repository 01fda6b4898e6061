/**
 * A RabbitMQ node of a test's own, in a container from the stack's offline image on a free
 * loopback port, for tests that restart the broker: the shared one on 5672 serves every
 * other suite and must stay up. It gets a user and password of its own, as the stack's
 * broker does (the image has no guest). The container is removed by stop().
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { connect } from 'amqplib'
import { promisify } from 'node:util'
import { ENV_IMAGES_FILE, readEnvFile } from '../stack/compose-project'
import { freePort } from './free-port'
import { CREDENTIAL_VARIABLES } from '../../src/shared/stack-credentials'

const run = promisify(execFile)

export interface OwnBroker {
  amqpUri: string
  /** `rabbitmqctl stop_app`: every connection is closed, the node stays. */
  stopApp: () => Promise<void>
  startApp: () => Promise<void>
  stop: () => Promise<void>
}

function rabbitmqImage(): string {
  const fromFile = existsSync(ENV_IMAGES_FILE) ? readEnvFile(ENV_IMAGES_FILE)['RABBITMQ_IMAGE'] : undefined
  return process.env['RABBITMQ_IMAGE'] ?? fromFile ?? 'scrapedeck/rabbitmq:3-management'
}

export async function startOwnBroker(): Promise<OwnBroker> {
  const name = `scrapedeck-test-rabbitmq-${randomBytes(4).toString('hex')}`
  const port = await freePort()
  const user = `test-${randomBytes(3).toString('hex')}`
  const password = randomBytes(18).toString('base64url')
  await run('docker', [
    'run',
    '-d',
    '--rm',
    '--name',
    name,
    '-p',
    `127.0.0.1:${port}:5672`,
    '-e',
    `${CREDENTIAL_VARIABLES.rabbitmqUser}=${user}`,
    '-e',
    `${CREDENTIAL_VARIABLES.rabbitmqPassword}=${password}`,
    rabbitmqImage()
  ])
  const amqpUri = `amqp://${user}:${password}@127.0.0.1:${port}`
  const ctl = async (command: string): Promise<void> => {
    await run('docker', ['exec', name, 'rabbitmqctl', '-q', command], { timeout: 60_000 })
  }
  const stop = async (): Promise<void> => {
    await run('docker', ['rm', '-f', name]).catch(() => undefined)
  }
  try {
    // rabbitmqctl cannot reach a node that is still booting: wait for AMQP itself (96 s here
    // beside other jobs, load average ~55).
    await waitForAmqp(amqpUri, 180_000)
  } catch (err) {
    await stop()
    throw err
  }
  return { amqpUri, stopApp: () => ctl('stop_app'), startApp: () => ctl('start_app'), stop }
}

async function waitForAmqp(amqpUri: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await (await connect(amqpUri)).close()
      return
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`own RabbitMQ did not take connections: ${(err as Error).message}`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
}
