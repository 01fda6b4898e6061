/**
 * The autoscaler against a real crawl backlog: the crawl stack of test/support/crawl-stack.ts
 * (a slow board, the API's coordinator, scraper processes on the test RabbitMQ), the real
 * broker monitor and management API, and a scale target that starts and SIGTERMs scraper
 * processes. Autoscale goes up to max at once, the crawl drains, and after a short window it
 * comes back to min by stopping idle replicas only: every item done, each listing fetched
 * once (a replica stopped mid-call would have its request redelivered and fetched again),
 * every stopped replica drained and exited 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { BrokerMonitor } from '../../src/main/broker/broker-monitor'
import { fetchConsumerLoads } from '../../src/main/broker/consumer-load'
import { Autoscaler } from '../../src/main/autoscale/autoscaler'
import type { ScaleTarget } from '../../src/main/autoscale/autoscaler'
import { queueFigures } from '../../src/main/autoscale/create-autoscaler'
import type { AutoscaleDecision } from '../../src/shared/autoscale'
import { decisionSummary } from '../../src/shared/autoscale'
import { rpcQueueName } from '../../src/shared/rpc-names'
import { silentLogger } from '../../src/services/log'
import { TEST_AMQP_URI, TEST_MANAGEMENT_URL } from '../support/test-endpoints'
import {
  allItems,
  cleanUpStack,
  expectCountsAddUp,
  startApiProcess,
  startScraper,
  startTestBoard,
  uniqueStackNames,
  waitForCrawl,
  waitUntil
} from '../crawler/crawl-fixture'
import type { ServiceProcess, TestBoard } from '../crawler/crawl-fixture'

const names = uniqueStackNames('autoscale')
const queue = rpcQueueName(names.service)
// Two calls at once per replica on a board at 400 ms a page: ~5 listings/s a replica, bound by
// the board, not by this machine's CPU, so the backlog lasts long enough to watch.
const SCRAPER_ENV = { SCRAPER_MAX_WORKERS: '2', SCRAPER_PREFETCH: '4', SCRAPER_PARSE_THREADS: '1' }
const LISTINGS = 240
const MAX = 4
const WINDOW_SECONDS = 6
const management = { url: TEST_MANAGEMENT_URL, username: 'guest', password: 'guest' }

let board: TestBoard
let api: ServiceProcess
let client: CrawlClient
const fleet = new Map<string, ServiceProcess>()
const stopped: { replica: string; process: ServiceProcess }[] = []
let monitor: BrokerMonitor
let scaler: Autoscaler
const decisions: AutoscaleDecision[] = []
const sizes: number[] = []
let nextReplica = 1

/** Scraper processes as the autoscaler's replicas: a replica's id and name are its SCRAPER_REPLICA_NAME. */
const processes: ScaleTarget = {
  running: async () => [...fleet.keys()].map((replica) => ({ id: replica, name: replica, replica })),
  scaleUp: async (_service, replicas) => {
    const adding = Array.from({ length: Math.max(0, replicas - fleet.size) }, () => `as-${nextReplica++}`)
    await Promise.all(
      adding.map(async (replica) => fleet.set(replica, await startScraper(names, board, replica, SCRAPER_ENV)))
    )
  },
  stop: async (_service, replicas) => {
    await Promise.all(
      replicas.map(async ({ id }) => {
        const process = fleet.get(id)
        if (process === undefined) throw new Error(`no replica ${id}`)
        fleet.delete(id)
        stopped.push({ replica: id, process })
        await process.kill('SIGTERM')
      })
    )
  },
  perReplica: () => ({ cpus: null, memoryBytes: 256 * 1024 ** 2 })
}

beforeAll(async () => {
  board = await startTestBoard({ count: LISTINGS + 60, seed: 31, latency: '400' })
  await processes.scaleUp(names.service, 1)
  const started = await startApiProcess(names, board)
  api = started.api
  client = new CrawlClient({ baseUrl: started.url })
  monitor = new BrokerMonitor({ management, amqpUri: TEST_AMQP_URI, intervalMs: 1000, replicas: () => [] })
  monitor.start()
  scaler = new Autoscaler({
    target: processes,
    queueOf: () => queue,
    figures: (q) => queueFigures(monitor, q, 2000),
    consumers: (q) => fetchConsumerLoads(management, q),
    host: () => ({ cores: 2, freeMemoryBytes: 8 * 1024 ** 3 }),
    logger: silentLogger
  })
  scaler.on('decision', (d) => {
    decisions.push(d)
    sizes.push(fleet.size)
  })
}, 120_000)

afterAll(async () => {
  await scaler?.close()
  await monitor?.stop()
  await api?.kill()
  for (const scraper of fleet.values()) await scraper.kill()
  await board?.board.close()
  await cleanUpStack(names)
})

describe('autoscale from a real crawl backlog', () => {
  it(
    'goes up to max at once, drains, and comes back to min after the window, stopping idle replicas only',
    { timeout: 170_000 },
    async () => {
      const ids = board.activeIds.slice(0, LISTINGS)
      const { crawl } = await client.start({ source: { kind: 'ids', text: ids.join('\n') } })
      // The backlog is on the queue before autoscaling starts, as a user would turn it on.
      await waitUntil(
        async () => ((await queueFigures(monitor, queue, 0))?.ready ?? 0) > 100,
        30_000,
        'a backlog on the queue'
      )
      scaler.configure(names.service, {
        enabled: true,
        min: 1,
        max: MAX,
        target: 20,
        stabilizationSeconds: WINDOW_SECONDS,
        intervalSeconds: 1
      })

      await waitUntil(async () => fleet.size === MAX, 60_000, `${MAX} replicas`)
      const up = decisions.find((d) => d.action === 'up')
      expect(up).toMatchObject({ current: 1, desired: MAX, clamp: 'max' })
      expect(up?.backlog).toBeGreaterThan(MAX * 20)
      // Each consumer is mapped to its replica by the client property its RPC server sends; at most its prefetch unacked.
      // The management API lists a new consumer before its channel's details (emitted with the
      // channel's first statistics): until then it names no connection, so no replica.
      const loads = await waitUntil(
        async () => {
          const all = await fetchConsumerLoads(management, queue)
          return all.length === MAX && all.every((l) => l.replica !== null) ? all : null
        },
        20_000,
        `${MAX} consumers on ${queue}, each mapped to its replica`
      )
      expect(loads.map((l) => l.replica).sort()).toEqual([...fleet.keys()].sort())
      for (const l of loads) expect(l.unacked).toBeLessThanOrEqual(Number(SCRAPER_ENV.SCRAPER_PREFETCH))

      const done = await waitForCrawl(client, crawl.id, ['done'], 120_000)
      const drainedAt = Date.now()
      await waitUntil(
        async () => fleet.size === 1 && decisions.flatMap((d) => d.stopped).length === MAX - 1,
        60_000,
        'back to 1 replica'
      ).catch((err: Error) => {
        throw new Error(`${err.message}; the last decisions:\n${decisions.slice(-5).map(decisionSummary).join('\n')}`)
      })
      const down = decisions.filter((d) => d.action === 'down')
      console.log(
        `autoscale: up at ${new Date(up!.at).toISOString()}, back to 1 ${((Date.now() - drainedAt) / 1000).toFixed(1)} s after the crawl was done; decisions:\n${decisions
          .filter((d) => d.action !== 'none')
          .map(decisionSummary)
          .join('\n')}`
      )

      // Down only after the window, and only replicas that had nothing unacked.
      expect(down.length).toBeGreaterThan(0)
      for (const d of down) {
        expect(d.stopped.every((s) => s.unacked === 0)).toBe(true)
        expect(d.at - up!.at).toBeGreaterThanOrEqual(WINDOW_SECONDS * 1000)
      }
      expect(decisions.some((d) => d.rule === 'stabilizing')).toBe(true)
      expect(Math.max(...sizes)).toBe(MAX)
      expect(stopped).toHaveLength(MAX - 1)

      // Nothing lost: every item done, and each listing fetched once (none redelivered by a stop mid-call).
      expect(done).toMatchObject({ total: LISTINGS, done: LISTINGS, failed: 0 })
      expectCountsAddUp(done)
      const items = await allItems(client, crawl.id)
      expect(new Set(items.filter((i) => i.state === 'done').map((i) => i.listingId)).size).toBe(LISTINGS)
      const fetches = new Map<string, number>()
      for (const hit of board.hits) fetches.set(hit.id, (fetches.get(hit.id) ?? 0) + 1)
      expect([...fetches.values()].filter((n) => n > 1)).toEqual([])
      expect(fetches.size).toBe(LISTINGS)
      // Replicas that were scaled in did work before they were stopped, and each stopped cleanly.
      const byReplica = new Set(items.map((i) => i.replica))
      expect(byReplica.size).toBe(MAX)
      for (const { replica, process } of stopped) {
        expect(process.child.exitCode, `${replica} exit code`).toBe(0)
        expect(process.output()).toContain('"msg":"scraper stopped"')
        expect(process.output()).not.toContain('will be redelivered')
      }
    }
  )
})
