/**
 * The scraper service as deployed: `main.ts` in its own process on the real broker, called
 * with RpcClient. Scrape errors must arrive as Nameko RemoteErrors carrying their kind.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Listing } from '../../src/shared/listing'
import { RpcClient } from '../../src/services/rpc/client'
import { IncorrectSignature, RemoteError } from '../../src/services/rpc/errors'
import { TEST_AMQP_URI, deleteQueues, waitForConsumers } from '../support/nameko'
import { startStaticServer } from '../support/static-server'
import type { StaticServer } from '../support/static-server'

const MAIN = fileURLToPath(new URL('../../src/services/scraper/main.ts', import.meta.url))
const FIXTURES = fileURLToPath(new URL('../fixtures/pages/', import.meta.url))
const service = `scraper_test_${randomBytes(4).toString('hex')}`

let source: StaticServer
let scraper: ChildProcess
let exited: Promise<number | null>
let logs = ''
let client: RpcClient

beforeAll(async () => {
  source = await startStaticServer({ root: FIXTURES, routes: { '/gone': { status: 410 } } })
  scraper = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      AMQP_URI: TEST_AMQP_URI,
      SCRAPER_SERVICE_NAME: service,
      SCRAPER_SOURCE_URL_TEMPLATE: `${source.origin}/{id}`,
      SCRAPER_MAX_WORKERS: '2',
      SCRAPER_TIMEOUT_MS: '2000'
    },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  scraper.stderr?.on('data', (chunk: Buffer) => (logs += chunk.toString()))
  exited = new Promise((resolve) => scraper.once('exit', (code) => resolve(code)))
  await waitForConsumers(`rpc-${service}`, 1, { timeoutMs: 30_000 })
  client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, defaultTimeoutMs: 15_000 })
})

afterAll(async () => {
  await client?.close()
  if (scraper?.exitCode === null) scraper.kill('SIGKILL')
  await source?.close()
  await deleteQueues([`rpc-${service}`])
})

describe('scraper service over RabbitMQ', () => {
  it('answers get_job_listing_info with a Listing, by position or by keyword', async () => {
    const listing = await client.call<Listing>(service, 'get_job_listing_info', ['lever-remote'])
    expect(listing).toMatchObject({
      ID: 'lever-remote',
      title: 'Staff Product Designer',
      location: 'Remote (United States, Canada)',
      extractedFrom: 'json-ld'
    })
    const byKeyword = await client.call<Listing>(service, 'get_job_listing_info', [], {
      job_listing_id: 'microdata-only'
    })
    expect(byKeyword.company).toBe('Helios Robotics')
  })

  it('sends a scrape error as RemoteError with the kind as excType', async () => {
    const error = await client.call(service, 'get_job_listing_info', ['gone']).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(RemoteError)
    expect(error).toMatchObject({
      excType: 'ListingNotFound',
      excPath: 'scrapedeck.scraper.ListingNotFound',
      value: `No listing at ${source.origin}/gone: the source answered 410`
    })
    await expect(client.call(service, 'get_job_listing_info', ['../admin'])).rejects.toMatchObject({
      excType: 'InvalidListingId'
    })
    await expect(client.call(service, 'get_job_listing_info', ['blog-post'])).rejects.toMatchObject({
      excType: 'NotAJobListing'
    })
    await expect(client.call(service, 'get_job_listing_info', [{ id: 1 }])).rejects.toMatchObject({
      excType: 'InvalidListingId',
      value: 'Invalid listing id of type object: a listing id must be a string (or a non-negative integer)'
    })
  })

  it('refuses a call without the id with IncorrectSignature', async () => {
    await expect(client.call(service, 'get_job_listing_info', [])).rejects.toBeInstanceOf(IncorrectSignature)
  })

  it('stops on SIGTERM with exit code 0 and JSON log lines for start and stop', async () => {
    scraper.kill('SIGTERM')
    expect(await exited).toBe(0)
    const lines = logs
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; component: string })
    const messages = lines.map((line) => line.msg)
    expect(messages).toContain('scraper started')
    expect(messages.indexOf('scraper stopping')).toBeLessThan(messages.indexOf('scraper stopped'))
  })
})
