/**
 * At-least-once delivery: a replica killed (SIGKILL) mid-call leaves its request unacked,
 * and the broker redelivers it to the replica still consuming.
 */
import { afterAll, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { RpcClient } from '../../src/services/rpc/client'
import { RpcServer } from '../../src/services/rpc/server'
import { silentLogger } from '../../src/services/log'
import { TEST_AMQP_URI, deleteQueues, waitForConsumers } from '../support/nameko'
import { makeTestService, uniqueServiceName } from './test-services'

const service = uniqueServiceName('rpc_redeliver')
const HANGING_SERVER = fileURLToPath(new URL('./fixtures/hanging-server.ts', import.meta.url))

afterAll(async () => {
  await deleteQueues([`rpc-${service}`])
})

it('redelivers the request of a killed replica to another one', async () => {
  // node itself, not the tsx wrapper: SIGKILL must hit the process holding the connection.
  const doomed = spawn(process.execPath, ['--import', 'tsx', HANGING_SERVER, service, TEST_AMQP_URI], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let doomedOut = ''
  const sawStart = new Promise<void>((resolve) =>
    doomed.stdout.on('data', (chunk: Buffer) => {
      doomedOut += chunk.toString()
      if (doomedOut.includes('started')) resolve()
    })
  )
  const client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 20_000 })
  const survivor = new RpcServer(makeTestService(service), { amqpUri: TEST_AMQP_URI, logger: silentLogger })
  try {
    await waitForConsumers(`rpc-${service}`, 1, { timeoutMs: 20_000 })
    // Only the doomed replica consumes, so the call must land there.
    const call = client.call(service, 'slow', ['precious'])
    await sawStart
    await survivor.start()
    await waitForConsumers(`rpc-${service}`, 2)
    doomed.kill('SIGKILL')
    await expect(call).resolves.toBe('precious')
    expect(doomedOut).toContain('started "precious"')
  } finally {
    doomed.kill('SIGKILL')
    await client.close()
    await survivor.stop()
  }
})
