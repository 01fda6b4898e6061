/**
 * Faults seen through the panel: 10,000 fuzzed ids through one panel session (the same
 * validation and error mapping the shells use) against the real stack, and the Docker engine
 * stopped and started under a stream of panel requests — on a second dockerd of the suite's
 * own (test/support/second-dockerd.ts), never the shared engine.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startupPanelConfig } from '../support/panel-settings'
import type { Result } from '../../src/shared/panel-error'
import type { EngineConnectivity } from '../../src/shared/contract'
import { REPO, STACK_FILE, suffix, waitFor } from '../engine/engine-fixture'
import { PanelUnderTest } from '../support/panel-under-test'
import { SecondDockerd } from '../support/second-dockerd'
import type { FaultStack } from './fault-stack'
import { ScenarioTally, inPool } from './fault-tally'
import type { Answer } from './fault-tally'
import { fuzzedIds } from './id-fuzz'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function resultAnswer(result: Result<unknown>): Answer {
  return result.ok ? { ok: true } : { ok: false, kind: result.error.kind, detail: result.error.message }
}

/** A panel on the fault stack, as the desktop app would be with the stack's ports in its environment. */
export function panelOnStack(stack: FaultStack): PanelUnderTest {
  const { ports, name } = stack.project
  return new PanelUnderTest(
    startupPanelConfig(
      {
        DECK_COMPOSE_FILE: join(REPO, 'compose.yaml'),
        DECK_PROJECT: name,
        API_PORT: String(ports.api),
        RABBITMQ_PORT: String(ports.rabbitmq),
        RABBITMQ_MANAGEMENT_PORT: String(ports.rabbitmqManagement),
        ELASTICSEARCH_PORT: String(ports.elasticsearch),
        DECK_METRICS_INTERVAL_MS: '1000',
        DECK_HOST_ACCESS_FILE: join(mkdtempSync(join(tmpdir(), 'deck-faults-')), 'host-access.json')
      },
      REPO
    )
  )
}

export async function fuzzedIdsThroughPanel(
  stack: FaultStack,
  panel: PanelUnderTest,
  count: number
): Promise<ScenarioTally> {
  const ids = fuzzedIds(count, 12)
  const tally = new ScenarioTally(
    `${count} fuzzed ids through a panel session (${ids.filter((i) => i.wellFormed).length} well-formed)`,
    15_000
  )
  const before = await stack.containers()
  await inPool(ids.length, 32, async (i) => {
    await tally.track(async () => resultAnswer(await panel.invoke('lookup', { id: ids[i]!.id, refresh: false })))
  })
  for (const crash of await stack.crashesSince(before)) tally.crashed(crash)
  return tally.finish()
}

/**
 * `status` and a harmless `scale` (to 0) every 25 ms while the engine is stopped and started:
 * each must answer within its bound (EngineUnavailable while it is away), and the panel must
 * report the engine connected again by itself.
 */
export async function engineRestart(): Promise<ScenarioTally> {
  const tally = new ScenarioTally('Docker engine restart under panel requests (second dockerd)', 10_000)
  const dockerd = new SecondDockerd()
  await dockerd.start()
  const panel = new PanelUnderTest({
    ...startupPanelConfig(
      { DECK_COMPOSE_FILE: STACK_FILE, DECK_PROJECT: `deckfaults${suffix()}`, DOCKER_HOST: dockerd.endpoint },
      REPO
    ),
    statusRefreshMs: 60_000
  })
  const engineEvents: EngineConnectivity[] = []
  panel.on('engine', (e) => engineEvents.push(e))
  try {
    await panel.start({ metrics: false })
    let stop = false
    const load = inPool(2000, 4, async (i) => {
      if (stop) return
      await tally.track(async () => {
        if (i % 2 === 0) {
          const status = await panel.invoke('status', {})
          if (!status.ok) return resultAnswer(status)
          return status.value.engine.state === 'connected'
            ? { ok: true }
            : { ok: false, kind: 'EngineUnavailable', detail: status.value.engine.message ?? '' }
        }
        return resultAnswer(await panel.invoke('scale', { service: 'sleeper', replicas: 0 }))
      })
      await sleep(25)
    })
    try {
      await sleep(1000)
      await dockerd.stop()
      await waitFor(
        'the panel to see the engine go',
        () => engineEvents.find((e) => e.state === 'unreachable'),
        10_000,
        50
      )
      await sleep(1500)
      const back = engineEvents.length
      await dockerd.start()
      const reconnected = await waitFor(
        'the panel to reconnect',
        () => engineEvents.slice(back).find((e) => e.state === 'connected'),
        20_000,
        50
      ).catch(() => null)
      if (reconnected === null)
        tally.problem('the panel did not report the engine connected within 20 s of its restart')
      // Requests after the reconnect must succeed again.
      const okBefore = tally.succeeded
      await sleep(1000)
      if (tally.succeeded === okBefore) tally.problem('no request succeeded in the second after the reconnect')
    } finally {
      stop = true
      await load
    }
    for (let i = 0; i < dockerd.unaskedExits; i++) tally.crashed('the second dockerd exited by itself')
  } finally {
    await panel.close()
    await dockerd.remove()
  }
  return tally.finish()
}
