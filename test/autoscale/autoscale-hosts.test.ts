/**
 * The autoscaler sizes the scrapers on the work the hosts' limits let out now, read from the
 * API's host statuses during real crawls over a many-board job board: a crawl of one slow host
 * (2 in flight, 1 s apart) stays at min however long its backlog, while a crawl over 20 hosts
 * (2 in flight each) asks for more replicas. No scraper consumes (one starts to declare the
 * queue, then stops), so the queue's backlog grows as the dispatcher hands out slots: the slow
 * host's too, one a second. Every input is real (the board process, the API's coordinator and
 * `GET /hosts`, the broker's queue through the management API); the scale target only records
 * what was asked, since adding scraper processes is what autoscale-crawl.test.ts proves.
 */
import { connect } from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrawlClient } from '../../src/main/clients/crawl-client'
import { SourceClient } from '../../src/main/clients/source-client'
import { BrokerMonitor } from '../../src/main/broker/broker-monitor'
import { fetchConsumerLoads } from '../../src/main/broker/consumer-load'
import { Autoscaler } from '../../src/main/autoscale/autoscaler'
import type { ScaleTarget } from '../../src/main/autoscale/autoscaler'
import { dispatchableNow, queueFigures } from '../../src/main/autoscale/create-autoscaler'
import type { AutoscaleDecision } from '../../src/shared/autoscale'
import { decisionSummary } from '../../src/shared/autoscale'
import { rpcQueueName } from '../../src/shared/rpc-names'
import { silentLogger } from '../../src/services/log'
import { TEST_AMQP_URI, TEST_MANAGEMENT_URL } from '../support/test-endpoints'
import {
  cleanUpStack,
  startApiProcess,
  startBoardSetProcess,
  startScraper,
  uniqueStackNames,
  waitForCrawl,
  waitUntil
} from '../crawler/crawl-fixture'
import type { BoardSetProcess, ServiceProcess } from '../crawler/crawl-fixture'

const names = uniqueStackNames('ashosts')
const queue = rpcQueueName(names.service)
const management = { url: TEST_MANAGEMENT_URL, username: 'guest', password: 'guest' }
const FAST_HOSTS = 20
const MAX = 4
// Five requests per replica: a backlog of 40 dispatchable requests asks for 8, clamped to MAX.
const TARGET = 5

let boards: BoardSetProcess
let api: ServiceProcess
let crawls: CrawlClient
let sources: SourceClient
let monitor: BrokerMonitor
let scaler: Autoscaler
const asked: number[] = []

/** Records the sizes asked for. */
const target: ScaleTarget = {
  running: async () => [{ id: 'ah-1', name: 'ah-1', replica: 'ah-1' }],
  scaleUp: async (_service, replicas) => {
    asked.push(replicas)
  },
  stop: async () => {},
  perReplica: () => ({ cpus: null, memoryBytes: null })
}

const fastName = (i: number): string => `fast-${String(i + 1).padStart(2, '0')}`

beforeAll(async () => {
  boards = await startBoardSetProcess([
    { name: 'slow', seed: 71, count: 40, latencyMs: '50-100', port: 0, limit: '2/1000' },
    ...Array.from({ length: FAST_HOSTS }, (_, i) => ({
      name: fastName(i),
      seed: 80 + i,
      count: 12,
      latencyMs: '300-400',
      port: 0,
      limit: '2/100'
    }))
  ])
  // Declares the queue the crawls publish to; gone before they start, so their requests wait there.
  const scraper = await startScraper(names, boards, 'ah-1')
  await scraper.kill()
  const started = await startApiProcess(names, boards)
  api = started.api
  crawls = new CrawlClient({ baseUrl: started.url })
  sources = new SourceClient({ baseUrl: started.url })
  const add = async (name: string, minGapMs: number): Promise<void> => {
    const { url } = boards.boards.get(name)!
    await sources.add({
      name,
      listingUrlTemplate: `${url}/jobs/{id}`,
      sitemapUrls: [`${url}/sitemap.xml`],
      politeness: { maxInFlight: 2, minGapMs }
    })
  }
  await add('slow', 1000)
  for (let i = 0; i < FAST_HOSTS; i += 1) await add(fastName(i), 100)
  monitor = new BrokerMonitor({ management, amqpUri: TEST_AMQP_URI, intervalMs: 500, replicas: () => [] })
  monitor.start()
  scaler = new Autoscaler({
    target,
    queueOf: () => queue,
    figures: (q) => queueFigures(monitor, q, 1000),
    consumers: (q) => fetchConsumerLoads(management, q),
    dispatchable: async () => dispatchableNow(await sources.hosts()),
    host: () => ({ cores: 8, freeMemoryBytes: 8 * 1024 ** 3 }),
    logger: silentLogger
  })
  scaler.configure(names.service, { min: 1, max: MAX, target: TARGET, stabilizationSeconds: 1 })
}, 150_000)

afterAll(async () => {
  await scaler?.close()
  await monitor?.stop()
  await api?.kill()
  await boards?.process.kill()
  await cleanUpStack(names)
})

/** Evaluations while `crawlId` runs, until `enough` says so or the crawl ends. */
async function decisionsDuring(
  crawlId: string,
  enough: (d: AutoscaleDecision[]) => boolean,
  timeoutMs: number
): Promise<AutoscaleDecision[]> {
  const seen: AutoscaleDecision[] = []
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const decision = await scaler.evaluate(names.service)
    if (decision.dispatchable !== null) seen.push(decision)
    if (enough(seen)) break
    if ((await crawls.get(crawlId)).state !== 'running') break
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  return seen
}

describe('autoscale on the work the hosts let out', () => {
  it(
    'a crawl of one slow host stays at min: 2 dispatchable, however long its queue',
    { timeout: 120_000 },
    async () => {
      const ids = boards.boards.get('slow')!.activeIds.slice(0, 30)
      const { crawl } = await crawls.start({ source: { kind: 'ids', text: ids.join('\n'), source: 'slow' } })
      // The raw backlog alone would ask for ceil(10 ÷ 5) = 2 replicas or more.
      await waitUntil(
        async () => ((await queueFigures(monitor, queue, 0))?.ready ?? 0) >= 2 * TARGET,
        60_000,
        `${2 * TARGET} requests of the slow host on the queue`
      )
      const seen = await decisionsDuring(crawl.id, (d) => d.length >= 4, 30_000)
      console.log(`slow host:\n${seen.map(decisionSummary).join('\n')}`)
      expect(seen.length).toBeGreaterThanOrEqual(4)
      for (const d of seen) {
        expect(d.ready + d.unacked).toBeGreaterThanOrEqual(2 * TARGET)
        expect(d.dispatchable).toBe(2)
        expect(d.backlog).toBe(2)
        expect(d.desired).toBe(1)
      }
      expect(asked).toEqual([])
      await crawls.action(crawl.id, 'cancel')
      await waitForCrawl(crawls, crawl.id, ['cancelled'], 30_000)
      // Its requests left on the queue would be the next test's backlog.
      const connection = await connect(TEST_AMQP_URI)
      await (await connection.createChannel()).purgeQueue(queue)
      await connection.close()
      await waitUntil(async () => (await queueFigures(monitor, queue, 0))?.ready === 0, 10_000, 'the queue purged')
    }
  )

  it(
    'a crawl over 20 hosts scales up: each host adds its 2 to the work dispatchable now',
    { timeout: 120_000 },
    async () => {
      const names20 = Array.from({ length: FAST_HOSTS }, (_, i) => fastName(i))
      const { crawl } = await crawls.start({ source: { kind: 'sources', names: names20 } })
      const seen = await decisionsDuring(crawl.id, (d) => d.some((x) => x.action === 'up'), 60_000)
      console.log(`20 hosts:\n${seen.map(decisionSummary).join('\n')}`)
      const up = seen.find((d) => d.action === 'up')
      expect(up, 'a decision to scale up').toBeDefined()
      // Every host with work adds its 2 (a host is counted once its items are in the ledger).
      expect(up!.dispatchable).toBeGreaterThanOrEqual(FAST_HOSTS)
      expect(up!.backlog).toBeGreaterThan(TARGET)
      expect(up!.desired).toBeGreaterThan(1)
      expect(asked.length).toBeGreaterThan(0)
      await crawls.action(crawl.id, 'cancel')
    }
  )
})
