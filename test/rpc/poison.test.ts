/**
 * A poison request — its handler kills the replica every time — is delivered at most
 * maxDeliveries times, then answered TooManyDeliveries and acked: the queue is empty after.
 * The replica is restarted after each crash, as a container's restart policy would.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { connect } from 'amqplib'
import { afterAll, expect, it } from 'vitest'
import { RpcClient } from '../../src/services/rpc/client'
import { TEST_AMQP_URI, deleteQueues } from '../support/nameko'
import { uniqueServiceName } from './test-services'

const service = uniqueServiceName('rpc_poison')
const CRASHING_SERVER = fileURLToPath(new URL('./fixtures/crashing-server.ts', import.meta.url))
const MAX_DELIVERIES = 3

afterAll(async () => {
  await deleteQueues([`rpc-${service}`])
})

interface Replica {
  /** Resolves when the process ends: true if it died in the handler. */
  exited: Promise<boolean>
  stop: () => void
}

/** Starts one replica and waits until it consumes. */
async function startReplica(): Promise<Replica> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CRASHING_SERVER, service, TEST_AMQP_URI, String(MAX_DELIVERIES)],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  )
  let out = ''
  const ready = new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()).includes('ready') && resolve())
  )
  const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(out.includes('crashing'))))
  await Promise.race([ready, exited])
  return { exited, stop: () => child.kill('SIGTERM') }
}

it('answers a request that kills every replica with TooManyDeliveries after maxDeliveries, and acks it', async () => {
  const client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 60_000 })
  let replica = await startReplica()
  try {
    const call = client.call(service, 'explode', ['poison']).then(
      (value: unknown) => ({ value }),
      (error: unknown) => ({ error })
    )
    let crashes = 0
    let outcome: { value?: unknown; error?: unknown } | undefined
    while (outcome === undefined && crashes <= MAX_DELIVERIES) {
      const next = await Promise.race([
        replica.exited.then((crashed) => ({ crashed })),
        call.then((answer) => ({ answer }))
      ])
      if ('answer' in next) outcome = next.answer
      else {
        if (next.crashed) crashes++
        replica = await startReplica()
      }
    }
    expect(crashes).toBe(MAX_DELIVERIES)
    expect(outcome?.error).toMatchObject({
      excType: 'TooManyDeliveries',
      value: expect.stringContaining(`delivered ${MAX_DELIVERIES + 1} times`)
    })

    const connection = await connect(TEST_AMQP_URI)
    const channel = await connection.createChannel()
    expect((await channel.checkQueue(`rpc-${service}`)).messageCount).toBe(0)
    await connection.close()
  } finally {
    replica.stop()
    await client.close()
  }
})
