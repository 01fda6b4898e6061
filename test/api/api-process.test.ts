/**
 * `npm run service:api` as a real process: configured by env, serves /health, logs JSON
 * lines, and on SIGTERM stops cleanly with exit code 0.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createElasticsearchClient } from '../../src/services/listings'
import { deleteLedgerIndices, ledgerIndices } from '../../src/services/crawler/ledger-indices'
import { TEST_AMQP_URI, deleteQueues } from '../support/nameko'
import { ES_URL, uniqueIndex } from '../listings/fixtures'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const index = uniqueIndex('api-process')
// The API runs the crawl coordinator: its ledger indices and reply queue get this prefix.
const crawlPrefix = `${index}-crawl`

afterAll(async () => {
  const client = createElasticsearchClient(ES_URL)
  await client.indices.delete({ index }, { ignore: [404] })
  await deleteLedgerIndices(client, ledgerIndices(crawlPrefix))
  await client.close()
  await deleteQueues([`${crawlPrefix}-crawler-replies`, 'rpc-api_process_test_none'])
})

describe('API service process', () => {
  it('starts from env, answers /health, and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['src/services/api/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        AMQP_URI: TEST_AMQP_URI,
        ELASTICSEARCH_URL: ES_URL,
        ELASTICSEARCH_INDEX: index,
        SCRAPER_SERVICE_NAME: 'api_process_test_none',
        CRAWL_INDEX_PREFIX: crawlPrefix
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`API did not start:\n${stderr}`)), 30_000)
        child.stderr.on('data', () => {
          const match = /"msg":"API listening","url":"([^"]+)"/.exec(stderr)
          if (match?.[1]) {
            clearTimeout(timer)
            resolve(match[1])
          }
        })
      })
      const res = await fetch(`${url}/health`)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({
        status: 'ok',
        broker: { status: 'connected', scraperService: 'api_process_test_none' }
      })

      child.kill('SIGTERM')
      const code = await exited
      if (code !== 0) console.log(stderr.split('\n').slice(-8).join('\n'))
      expect(code).toBe(0)
      const lines = stderr
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ msg: 'request', method: 'GET', path: '/health', status: 200 })
        ])
      )
      expect(lines.at(-1)).toMatchObject({ msg: 'API stopped' })
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
