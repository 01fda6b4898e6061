/** The one-shot CLI (`npm run rpc -- <service>.<method> ...`) against our server. */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { RpcServer } from '../../src/services/rpc/server'
import { silentLogger } from '../../src/services/log'
import { TEST_AMQP_URI, deleteQueues } from '../support/nameko'
import { makeTestService, uniqueServiceName } from './test-services'

const CLI = fileURLToPath(new URL('../../src/services/rpc/cli.ts', import.meta.url))
const service = uniqueServiceName('rpc_cli')
let server: RpcServer

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { env: { ...process.env, AMQP_URI: TEST_AMQP_URI, RPC_TIMEOUT_MS: '5000' } },
      (err, stdout, stderr) =>
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr })
    )
  })
}

beforeAll(async () => {
  server = new RpcServer(makeTestService(service), { amqpUri: TEST_AMQP_URI, logger: silentLogger })
  await server.start()
})

afterAll(async () => {
  await server?.stop()
  await deleteQueues([`rpc-${service}`])
})

it('prints the JSON result and exits 0', async () => {
  await expect(cli(`${service}.hello`, '["Mike"]')).resolves.toEqual({
    code: 0,
    stdout: '"Hello, Mike!"\n',
    stderr: ''
  })
  await expect(cli(`${service}.greet`, '["Bo"]', '{"greeting":"Yo"}')).resolves.toMatchObject({
    code: 0,
    stdout: '"Yo, Bo"\n'
  })
})

it('prints a remote error type and message on stderr and exits 1', async () => {
  await expect(cli(`${service}.fail`, '["gone"]')).resolves.toEqual({
    code: 1,
    stdout: '',
    stderr: 'ListingGone: gone\n'
  })
  await expect(cli(`${service}.nosuch`)).resolves.toMatchObject({ code: 1, stderr: 'MethodNotFound: nosuch\n' })
})

it('exits 2 with a usage line on bad usage', async () => {
  const result = await cli(`${service}.hello`, '{"not":"an array"}')
  expect(result.code).toBe(2)
  expect(result.stderr).toContain('usage: npm run rpc --')
})
