/**
 * `deck autoscale` as a user runs it, on the test RabbitMQ: a queue with a real backlog, the
 * fixture stack's `sleeper` standing for the service that consumes it (DECK_RPC_SERVICES),
 * max 0 so the step creates no container. It prints the decision with the broker's figures,
 * its formula and its clamp, and exits 0; bad settings exit 1 with the kind and the reason.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { connect } from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchRpcQueues } from '../../src/main/broker/management-api'
import { rpcQueueName } from '../../src/shared/rpc-names'
import { AutoscaleDecisionSchema } from '../../src/shared/autoscale'
import { DECK_COMMAND, REPO, STACK_FILE } from '../engine/engine-fixture'
import { TEST_AMQP_URI, TEST_MANAGEMENT_URL } from '../support/test-endpoints'
import { waitUntil } from '../support/crawl-stack'

const rpcService = `autoscale_cli_${randomBytes(4).toString('hex')}`
const queue = rpcQueueName(rpcService)
const BACKLOG = 120
const management = { url: TEST_MANAGEMENT_URL, username: 'guest', password: 'guest' }

function deck(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(DECK_COMMAND[0], [DECK_COMMAND[1], ...args], {
    cwd: REPO,
    env: {
      ...process.env,
      DECK_COMPOSE_FILE: STACK_FILE,
      DECK_PROJECT: `deckautoscale${randomBytes(3).toString('hex')}`,
      DECK_RPC_SERVICES: `sleeper=${rpcService}`,
      AMQP_URI: TEST_AMQP_URI,
      RABBITMQ_MANAGEMENT_URL: TEST_MANAGEMENT_URL,
      LOG_LEVEL: 'error'
    },
    encoding: 'utf8',
    timeout: 60_000
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(async () => {
  const connection = await connect(TEST_AMQP_URI)
  const channel = await connection.createConfirmChannel()
  await channel.assertQueue(queue, { durable: false, autoDelete: false })
  for (let i = 0; i < BACKLOG; i++) channel.sendToQueue(queue, Buffer.from(`{"args":[${i}],"kwargs":{}}`))
  await channel.waitForConfirms()
  await connection.close()
  // The management API's figures lag the queue by its statistics interval.
  await waitUntil(
    async () => (await fetchRpcQueues(management)).find((q) => q.queue === queue)?.ready === BACKLOG,
    30_000,
    `${BACKLOG} ready on ${queue}`,
    500
  )
})

afterAll(async () => {
  const connection = await connect(TEST_AMQP_URI)
  const channel = await connection.createChannel()
  await channel.deleteQueue(queue)
  await connection.close()
})

describe('deck autoscale', () => {
  it("prints one decision from the queue's backlog, with its formula and clamp", () => {
    const r = deck('autoscale', 'sleeper', '--min', '0', '--max', '0', '--target', '50')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toBe('autoscale sleeper: on, 0–0 replicas, 50 per replica, activation 0, window 300 s, every 5 s')
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z sleeper 0 kept: ceil\(\(120 ready \+ 0 unacked\) ÷ 50\) = 3, clamped to max 0; At the recommendation: 0 kept$/
    )
  })

  it('--json prints the decision as the contract has it', () => {
    const r = deck('autoscale', 'sleeper', '--min', '0', '--max', '0', '--target', '40', '--json')
    expect(r.code).toBe(0)
    const decision = AutoscaleDecisionSchema.parse(JSON.parse(r.stdout.trim().split('\n').at(-1) as string))
    expect(decision).toMatchObject({
      service: 'sleeper',
      queue,
      ready: BACKLOG,
      backlog: BACKLOG,
      raw: 3,
      clamp: 'max',
      desired: 0,
      action: 'none'
    })
  })

  it('refuses settings that do not fit, and a service without a queue', () => {
    const bad = deck('autoscale', 'sleeper', '--min', '3', '--max', '2')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/deck: InvalidRequest: Autoscale settings of sleeper: min: min must not be above max/)
    const none = deck('autoscale', 'echo')
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(/deck: UnknownService: echo serves no RPC queue/)
  })
})
