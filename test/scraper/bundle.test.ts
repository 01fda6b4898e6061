/**
 * The scraper as its image runs it: `npm run build:services -- scraper`, then only the files
 * docker/service.Dockerfile copies (main.mjs and the parse threads' entry points) in a
 * folder with no package.json and no node_modules, like /app. It must answer over the real
 * broker, parse on its worker threads, and refuse a hostile page.
 */
import { execFile, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Listing } from '../../src/shared/listing'
import { RpcClient } from '../../src/services/rpc/client'
import { HOSTILE_PAGES } from '../fixtures/hostile-pages'
import { uniqueServiceName } from '../rpc/test-services'
import { TEST_AMQP_URI, deleteQueues, waitForConsumers } from '../support/nameko'
import { startStaticServer } from '../support/static-server'
import type { StaticServer } from '../support/static-server'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DIST = join(ROOT, 'dist', 'services')
const service = uniqueServiceName('scraper_bundle')
const app = mkdtempSync(join(tmpdir(), 'scraper-app-'))

let source: StaticServer
let scraper: ChildProcess
let client: RpcClient
let logs = ''

beforeAll(async () => {
  await promisify(execFile)('npx', ['tsx', 'scripts/build-services.ts', 'scraper'], { cwd: ROOT })
  copyFileSync(join(DIST, 'scraper.mjs'), join(app, 'main.mjs'))
  for (const file of ['scraper-parse-worker.mjs', 'worker.js']) copyFileSync(join(DIST, file), join(app, file))
  source = await startStaticServer({
    root: join(ROOT, 'test/fixtures/pages'),
    routes: { '/deep': { body: HOSTILE_PAGES.deepDescription() } }
  })
  scraper = spawn(process.execPath, [join(app, 'main.mjs')], {
    cwd: app,
    env: {
      PATH: process.env['PATH'],
      AMQP_URI: TEST_AMQP_URI,
      SCRAPER_SERVICE_NAME: service,
      SCRAPER_SOURCE_URL_TEMPLATE: `${source.origin}/{id}`
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  scraper.stdout?.on('data', (chunk: Buffer) => (logs += chunk.toString()))
  scraper.stderr?.on('data', (chunk: Buffer) => (logs += chunk.toString()))
  await waitForConsumers(`rpc-${service}`, 1, { timeoutMs: 20_000 })
  client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 15_000 })
}, 120_000)

afterAll(async () => {
  await client?.close()
  scraper?.kill('SIGTERM')
  await source?.close()
  await deleteQueues([`rpc-${service}`])
  rmSync(app, { recursive: true, force: true })
})

it('answers from the bundled files alone, parsing on its threads', async () => {
  const listing = await client.call<Listing>(service, 'get_job_listing_info', ['greenhouse-range'])
  expect(listing, logs).toMatchObject({ ID: 'greenhouse-range', title: 'Senior Backend Engineer' })
  await expect(client.call(service, 'get_job_listing_info', ['deep'])).rejects.toMatchObject({
    excType: 'PageTooComplex'
  })
  await expect(client.call<Listing>(service, 'get_job_listing_info', ['lever-remote'])).resolves.toMatchObject({
    ID: 'lever-remote'
  })
})
