/**
 * The robots gate against real Elasticsearch and real boards (in-process, no stack): a host's
 * robots.txt is fetched once and shared through `<prefix>-robots` by every coordinator, fetched
 * again only once it expires; a 503 holds the host's items and pauses its clock with the
 * reason; a 404 allows everything. The board's own counts say how often robots.txt was asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createElasticsearchClient } from '../../src/services/listings/elasticsearch-client'
import { deleteLedgerIndices, ensureLedgerIndices, ledgerIndices } from '../../src/services/crawler/ledger-indices'
import { startJobBoard } from '../../src/services/jobboard/server'
import type { RunningJobBoard } from '../../src/services/jobboard/server'
import { HostClocks } from '../../src/services/politeness/host-clock'
import { RobotsDisallowed, RobotsGate } from '../../src/services/politeness/robots-gate'
import { RobotsStore } from '../../src/services/politeness/robots-store'
import { SourceUnavailable } from '../../src/services/scraper/scrape-errors'
import { PolitenessSchema } from '../../src/shared/source'
import { silentLogger } from '../../src/services/log'
import { ES_URL, uniqueIndex } from '../listings/fixtures'
import { waitUntil } from './crawl-fixture'

const AGENT = 'scrapedeck-scraper/0.1 (job listing scraper)'
const POLITENESS = PolitenessSchema.parse({ maxInFlight: 2, minGapMs: 50 })
const PLAN = { leadMs: 20, horizonMs: 1500, marginMs: 20 }
const es = createElasticsearchClient(ES_URL, 30_000)
const indices = ledgerIndices(uniqueIndex('robots-gate'))
const boards: RunningJobBoard[] = []

function gate(timing = { ttlMs: 3_600_000, errorTtlMs: 60_000 }): RobotsGate {
  return new RobotsGate({
    store: new RobotsStore(es, indices.robots),
    clocks: new HostClocks(es, indices.hosts),
    userAgent: AGENT,
    plan: PLAN,
    logger: silentLogger,
    timing
  })
}

async function board(robots: { disallow: string[]; crawlDelayS: number | null; status: number } | null) {
  const started = await startJobBoard({ count: 5, robots })
  boards.push(started)
  return { url: started.url, host: new URL(started.url).host, robotsAsked: () => started.stats.snapshot().byKind.other }
}

beforeAll(async () => ensureLedgerIndices(es, indices))
afterAll(async () => {
  for (const b of boards) await b.close()
  await deleteLedgerIndices(es, indices)
  await es.close()
})

describe('the robots gate', () => {
  it('fetches robots.txt once for every coordinator and applies it to crawl items and lookups alike', async () => {
    const site = await board({ disallow: ['/jobs/secret'], crawlDelayS: 0.2, status: 200 })
    const first = gate()
    await first.checkOne(site.host, `${site.url}/jobs/a`, POLITENESS)
    await expect(first.checkOne(site.host, `${site.url}/jobs/secret-1`, POLITENESS)).rejects.toThrow(RobotsDisallowed)
    const verdict = await first.screen(site.host, ['a', 'secret-2'], (id) => `${site.url}/jobs/${id}`, POLITENESS)
    expect(verdict).toEqual({
      allowed: ['a'],
      disallowed: [
        {
          item: 'secret-2',
          message: `${site.host}/robots.txt disallows ${site.url}/jobs/secret-2 for scrapedeck-scraper; not fetched`
        }
      ],
      crawlDelayMs: 200
    })
    // A second coordinator reads the stored answer.
    await gate().checkOne(site.host, `${site.url}/jobs/b`, POLITENESS)
    expect(site.robotsAsked()).toBe(1)
    const stored = await new RobotsStore(es, indices.robots).get(site.host)
    // The refused lookup and the disallowed item.
    expect(stored).toMatchObject({ state: 'fetched', httpStatus: 200, disallowedCount: 2 })

    await first.close()
  })

  it('an expired robots.txt is still used while it is fetched again', async () => {
    const site = await board({ disallow: ['/jobs/secret'], crawlDelayS: null, status: 200 })
    const shortLived = gate({ ttlMs: 1, errorTtlMs: 1 })
    await shortLived.checkOne(site.host, `${site.url}/jobs/a`, POLITENESS)
    await expect(shortLived.checkOne(site.host, `${site.url}/jobs/secret`, POLITENESS)).rejects.toThrow(
      RobotsDisallowed
    )
    // Each screen, as each dispatcher tick, starts the fetch again if the last one found no slot.
    const tick = () => shortLived.screen(site.host, ['a'], (id) => `${site.url}/jobs/${id}`, POLITENESS)
    await waitUntil(
      async () => (await tick()).allowed.length === 1 && site.robotsAsked() >= 2,
      20_000,
      'robots.txt fetched again'
    )
    await shortLived.close()
  })

  it('a 503 holds the host and pauses its clock with the reason; a 404 allows everything', async () => {
    const failing = await board({ disallow: [], crawlDelayS: null, status: 503 })
    const g = gate()
    const store = new RobotsStore(es, indices.robots)
    await waitUntil(
      async () => {
        await g.screen(failing.host, ['a'], (id) => `${failing.url}/jobs/${id}`, POLITENESS)
        return store.get(failing.host)
      },
      20_000,
      'the failing robots.txt fetched'
    )
    await expect(g.checkOne(failing.host, `${failing.url}/jobs/a`, POLITENESS)).rejects.toThrow(SourceUnavailable)
    const held = await g.screen(failing.host, ['a'], (id) => `${failing.url}/jobs/${id}`, POLITENESS)
    expect(held).toEqual({ allowed: [], disallowed: [], crawlDelayMs: null })
    const clock = await new HostClocks(es, indices.hosts).get(failing.host)
    const record = await new RobotsStore(es, indices.robots).get(failing.host)
    expect(record).toMatchObject({ state: 'unreachable', httpStatus: 503 })
    // A refusal of the host: paused until the file is due again, counted toward blocking it.
    expect(clock.pausedUntil).toBeGreaterThanOrEqual(record!.expiresAt)
    expect(clock.refusals).toBe(1)
    expect(clock.pauseReason).toBe('robots.txt answered 503; nothing is fetched from the host until it can be read')
    expect(failing.robotsAsked()).toBe(1)

    const none = await board(null)
    await g.checkOne(none.host, `${none.url}/jobs/anything`, POLITENESS)
    expect(await new RobotsStore(es, indices.robots).get(none.host)).toMatchObject({
      state: 'allowed-all',
      httpStatus: 404
    })
    await g.close()
  })

  it('with Elasticsearch away, a lookup still obeys robots.txt, fetched directly and kept in memory', async () => {
    const site = await board({ disallow: ['/jobs/secret'], crawlDelayS: null, status: 200 })
    const away = createElasticsearchClient('http://127.0.0.1:9', 2_000)
    const g = new RobotsGate({
      store: new RobotsStore(away, indices.robots),
      clocks: new HostClocks(away, indices.hosts),
      userAgent: AGENT,
      plan: PLAN,
      logger: silentLogger
    })
    try {
      await g.checkOne(site.host, `${site.url}/jobs/a`, POLITENESS)
      await expect(g.checkOne(site.host, `${site.url}/jobs/secret`, POLITENESS)).rejects.toThrow(RobotsDisallowed)
      expect(site.robotsAsked()).toBe(1)
    } finally {
      await g.close()
      await away.close()
    }
  })
})
