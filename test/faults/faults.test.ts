/**
 * The fault suite (`npm run test:faults`): each scenario puts load on real parts while
 * something breaks or the input is hostile, counts every request (sent, succeeded, failed
 * clearly, failed unclearly, hung, lost) and every crash, and fails on a hang, a loss, a
 * crash or an answer without a clear kind. It ends with one markdown table, printed and
 * written to test-results/faults.md (FAULTS_TABLE_FILE moves it). Loopback only; the
 * compose stack is the suite's own project (FAULTS_PORT_BASE: its five host ports, in a row).
 */
import { execFileSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, stackUnavailableReason } from '../stack/compose-project'
import type { PanelUnderTest } from '../support/panel-under-test'
import { secondDockerdUnavailableReason } from '../support/second-dockerd'
import { composeCorpusScenario } from './compose-corpus-scenario'
import { FaultStack, HOSTILE_LISTINGS } from './fault-stack'
import { writeFaultTable } from './fault-tally'
import type { ScenarioTally } from './fault-tally'
import { engineRestart, fuzzedIdsThroughPanel, panelOnStack } from './panel-scenarios'
import { FreshIds, brokerRestart, elasticsearchOutage, replicaKill } from './stack-load-scenarios'
import { boardJobs, fuzzedIdsThroughApi, hostilePages } from './stack-input-scenarios'
import type { BoardJobs } from './stack-input-scenarios'
import { fuzzedWebShellFrames } from './web-shell-fuzz'
import { requiredPart } from '../support/required-part'

const FUZZED_IDS = 10_000
const TABLE_FILE = process.env['FAULTS_TABLE_FILE'] ?? join(REPO_ROOT, 'test-results', 'faults.md')
const tallies: ScenarioTally[] = []
const loadAtStart = loadavg()
const startedAt = new Date()

let stackUp: Promise<FaultStack> | null = null
let stack: FaultStack | null = null
let jobs: BoardJobs
let fresh: FreshIds
let panel: PanelUnderTest | null = null

/** The stack, brought up once on first use (the scenarios that need none run while it starts). */
async function theStack(): Promise<FaultStack> {
  stackUp ??= (async () => {
    const reason = await stackUnavailableReason()
    if (reason !== null) throw new Error(`cannot bring the fault stack up: ${reason}`)
    return FaultStack.up()
  })()
  stack = await stackUp
  return stack
}

async function thePanel(): Promise<PanelUnderTest> {
  if (panel === null) {
    panel = panelOnStack(await theStack())
    await panel.start({ metrics: true })
  }
  return panel
}

function record(tally: ScenarioTally): void {
  tallies.push(tally)
  console.info(
    `faults: ${tally.name}: ${tally.sent} sent, ${tally.succeeded} ok, ${tally.failedClearly} clear, ${tally.failedUnclearly} unclear, ${tally.hung} hung, ${tally.lost} lost, ${tally.crashes} crashes (${(tally.tookMs / 1000).toFixed(1)} s)`
  )
  expect(tally.faults, tally.examples.join('\n')).toEqual([])
}

beforeAll(() => {
  // Started now, awaited by the first scenario that needs it.
  void theStack().catch(() => undefined)
})

afterAll(async () => {
  await panel?.close()
  await (stackUp ?? Promise.resolve(null)).then(
    (s) => s?.down(),
    () => undefined
  )
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim()
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ')
  const heading = [
    `## Fault suite — ${startedAt.toISOString()} (commit ${commit})`,
    '',
    `\`npm run test:faults\`; load average (1/5/15 min) ${load(loadAtStart)} at the start, ${load(loadavg())} at the end; ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s in all.`
  ].join('\n')
  const text = writeFaultTable(TABLE_FILE, tallies, heading)
  console.info(`\n${text}\n(written to ${TABLE_FILE})`)
}, 120_000)

describe('faults without the stack', () => {
  it('a corpus of malformed and hostile compose files: each refused with a kind or named by the pre-flight', async () => {
    record(await composeCorpusScenario())
  })

  const noDockerd = requiredPart('a dockerd binary', secondDockerdUnavailableReason())
  it.skipIf(noDockerd !== null)(
    `the Docker engine restarted under panel requests: the panel reconnects${noDockerd === null ? '' : ` (skipped: ${noDockerd})`}`,
    async () => {
      record(await engineRestart())
    }
  )
})

describe('faults on the real stack', () => {
  beforeAll(async () => {
    const s = await theStack()
    jobs = await boardJobs(s)
    if (jobs.hostile.length !== HOSTILE_LISTINGS)
      throw new Error(`the board serves ${jobs.hostile.length} hostile listings, not ${HOSTILE_LISTINGS}`)
    fresh = new FreshIds(jobs.active)
  }, 840_000)

  it('hostile pages among normal lookups', async () => {
    record(await hostilePages(stack!, jobs.hostile, fresh.take(60)))
  })

  it(`${FUZZED_IDS} fuzzed ids through the API`, async () => {
    record(await fuzzedIdsThroughApi(stack!, FUZZED_IDS))
  })

  it(`${FUZZED_IDS} fuzzed ids through a panel session`, async () => {
    record(await fuzzedIdsThroughPanel(stack!, await thePanel(), FUZZED_IDS))
  })

  it('fuzzed web-shell frames and requests', async () => {
    record(await fuzzedWebShellFrames(await thePanel(), 2000))
  })

  it('the broker restarted under lookups', async () => {
    record(await brokerRestart(stack!, fresh))
  })

  it('a scraper replica killed under lookups', async () => {
    record(await replicaKill(stack!, fresh))
  })

  it('Elasticsearch stopped and started under lookups: pending writes flushed', async () => {
    record(await elasticsearchOutage(stack!, fresh))
  })
})
