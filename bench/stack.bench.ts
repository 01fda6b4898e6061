/**
 * Stack start and scale-out: `npx tsx bench/stack.bench.ts` (about 3 minutes; BENCH_ROUNDS,
 * default 3). On the engine-test stack (test/engine/fixtures/stack: RabbitMQ with a
 * healthcheck, an RPC echo service depending on it being healthy, a sleeper), images present:
 *   1. up: the panel's `up` (returns when every container is running and healthy) against
 *      `docker-compose up -d` (returns when started; depends_on waits for rabbitmq healthy)
 *      followed by polling until every container is healthy. Fresh project per round.
 *   2. scale echo +1 (1 → 2): time until the scale call returns, and until the new replica
 *      has answered an RPC call (calls keep flowing from the host the whole time). The echo
 *      service runs bundled, as the shipped services do (bundleEcho).
 *   3. a container killed (`docker kill` of the sleeper, from outside the panel) → the panel's
 *      `status` event showing it not running, at a subscriber of the panel's session.
 * Prints the ratios against their targets (panel ÷ compose ≤ 0.8, +1 ≤ 2 s, kill ≤ 300 ms).
 */
import { execFileSync } from 'node:child_process'
import Docker from 'dockerode'
import { build } from 'esbuild'
import { PanelUnderTest } from '../test/support/panel-under-test'
import { RpcClient } from '../src/services/rpc'
import { dockerCompose, fixtureStack, removeProject } from '../test/engine/engine-fixture'
import type { FixtureStack } from '../test/engine/engine-fixture'
import type { StackStatus } from '../src/shared/stack-status'
import { machineLine } from './support/machine'

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3)
const docker = new Docker()
/** Projects this run made and has not removed yet: a stopped or failed run removes them. */
const activeProjects = new Set<string>()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const project of activeProjects) removeProject(project)
    process.exit(1)
  })
}
const failed = (err: unknown): void => {
  console.error(`stack bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
  for (const project of activeProjects) removeProject(project)
  process.exit(1)
}
process.once('unhandledRejection', failed)
process.once('uncaughtException', failed)

async function allHealthy(project: string, expected: number): Promise<void> {
  for (;;) {
    const list = await docker.listContainers({
      all: true,
      filters: { label: [`com.docker.compose.project=${project}`] }
    })
    if (
      list.length === expected &&
      list.every((c) => c.State === 'running' && !c.Status.includes('starting') && !c.Status.includes('unhealthy'))
    )
      return
    await new Promise((r) => setTimeout(r, 50))
  }
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b)
  const mean = s.reduce((a, b) => a + b, 0) / s.length
  return `median ${(s[Math.floor(s.length / 2)]! / 1000).toFixed(2)} s, min ${(s[0]! / 1000).toFixed(2)}, max ${(s[s.length - 1]! / 1000).toFixed(2)}, mean ${(mean / 1000).toFixed(2)}`
}

async function panelUp(): Promise<{ ms: number; stack: FixtureStack; controller: PanelUnderTest }> {
  const stack = await fixtureStack('bench')
  activeProjects.add(stack.project)
  const controller = new PanelUnderTest(stack.config)
  // Started first (engine events, status), as the shells start it; not part of `up`.
  await controller.start({ metrics: false })
  const t0 = performance.now()
  const result = await controller.invoke('up', {})
  const ms = performance.now() - t0
  if (!result.ok) throw new Error(result.error.message)
  return { ms, stack, controller }
}

async function composeUp(): Promise<{ returnedMs: number; healthyMs: number }> {
  const stack = await fixtureStack('benchc')
  activeProjects.add(stack.project)
  const t0 = performance.now()
  dockerCompose(stack, ['up', '-d'])
  const returnedMs = performance.now() - t0
  await allHealthy(stack.project, 3)
  const healthyMs = performance.now() - t0
  execFileSync('docker-compose', ['-f', 'test/engine/fixtures/stack/compose.yaml', '-p', stack.project, 'down'], {
    env: stack.composeEnv,
    stdio: 'ignore'
  })
  removeProject(stack.project)
  activeProjects.delete(stack.project)
  return { returnedMs, healthyMs }
}

async function scaleOut(
  stack: FixtureStack,
  controller: PanelUnderTest
): Promise<{ returnedMs: number; answeringMs: number }> {
  const client = await RpcClient.connect({ amqpUri: stack.amqpUri })
  const before = new Set<string>()
  for (let i = 0; i < 20; i++) before.add((await client.call<{ host: string }>(stack.echoService, 'echo', [i])).host)
  const seen = new Map<string, number>()
  let running = true
  const t0 = performance.now()
  const callers = Array.from({ length: 8 }, async () => {
    while (running) {
      const { host } = await client.call<{ host: string }>(stack.echoService, 'echo', ['x', 20])
      if (!before.has(host) && !seen.has(host)) seen.set(host, performance.now() - t0)
    }
  })
  const result = await controller.invoke('scale', { service: 'echo', replicas: 2 })
  const returnedMs = performance.now() - t0
  if (!result.ok) throw new Error(result.error.message)
  while (seen.size < 1) await new Promise((r) => setTimeout(r, 20))
  running = false
  await Promise.all(callers)
  await client.close()
  const answeringMs = Math.max(...seen.values())
  const back = await controller.invoke('scale', { service: 'echo', replicas: 1 })
  if (!back.ok) throw new Error(back.error.message)
  return { returnedMs, answeringMs }
}

/** `docker kill` of a running container → the first `status` event in which it is not running. */
async function killToEvent(controller: PanelUnderTest, project: string): Promise<number> {
  const [victim] = await docker.listContainers({
    filters: { label: [`com.docker.compose.project=${project}`, 'com.docker.compose.service=sleeper'] }
  })
  if (victim === undefined) throw new Error('no running sleeper container to kill')
  let t0 = 0
  const seen = new Promise<number>((resolve) => {
    const off = controller.on('status', (status: StackStatus) => {
      const container = status.services
        .flatMap((s) => s.containers)
        .find((c) => c.id === victim.Id || victim.Id.startsWith(c.id))
      if (t0 > 0 && container !== undefined && container.state !== 'running') {
        off()
        resolve(performance.now() - t0)
      }
    })
  })
  t0 = performance.now()
  await docker.getContainer(victim.Id).kill()
  return Promise.race([
    seen,
    new Promise<number>((_, reject) =>
      setTimeout(() => reject(new Error('no status event within 30 s of the kill')), 30_000)
    )
  ])
}

/**
 * The echo replica runs a bundle of its service (as the shipped images run theirs), not
 * `node --import tsx` on the sources, whose transpiling at start-up (0.5–1.4 s here) would
 * be most of "the new replica answers". The repository is mounted at /repo, so is this file.
 */
async function bundleEcho(): Promise<void> {
  const outfile = '.cache/bench/slow-echo-service.mjs'
  await build({
    entryPoints: ['test/engine/fixtures/slow-echo-service.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning'
  })
  process.env['DECK_TEST_ECHO_COMMAND'] = `node ${outfile}`
}

const startedAt = new Date().toISOString()
const machine = machineLine()
await bundleEcho()
const panel: number[] = []
const killEvent: number[] = []
const composeReturned: number[] = []
const composeHealthy: number[] = []
const scaleReturned: number[] = []
const scaleAnswering: number[] = []
for (let round = 1; round <= ROUNDS; round++) {
  const c = await composeUp()
  composeReturned.push(c.returnedMs)
  composeHealthy.push(c.healthyMs)
  const { ms, stack, controller } = await panelUp()
  panel.push(ms)
  for (let i = 0; i < 2; i++) {
    const s = await scaleOut(stack, controller)
    scaleReturned.push(s.returnedMs)
    scaleAnswering.push(s.answeringMs)
  }
  killEvent.push(await killToEvent(controller, stack.project))
  await controller.invoke('down', {})
  await controller.close()
  removeProject(stack.project)
  activeProjects.delete(stack.project)
  console.log(
    `round ${round}: compose up -d ${(c.returnedMs / 1000).toFixed(2)} s (healthy ${(c.healthyMs / 1000).toFixed(2)} s), panel up (healthy) ${(ms / 1000).toFixed(2)} s`
  )
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
console.log(`\nstack bench ${startedAt}; ${machine}; command: npx tsx bench/stack.bench.ts (BENCH_ROUNDS=${ROUNDS})`)
console.log(
  `raw ms: ${JSON.stringify({ panel, composeReturned, composeHealthy, scaleReturned, scaleAnswering, killEvent }, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`
)
console.log(`panel up → all healthy:            ${stats(panel)}`)
console.log(`docker-compose up -d returns:      ${stats(composeReturned)}`)
console.log(`docker-compose up -d → all healthy: ${stats(composeHealthy)}`)
console.log(`scale +1 call returns:             ${stats(scaleReturned)}`)
console.log(`scale +1 → the new replica answers RPC: ${stats(scaleAnswering)}`)
console.log(`container killed → status event:   ${stats(killEvent)}`)
console.log(
  `ratios: panel ÷ docker-compose up -d (both to all healthy) ${(median(panel) / median(composeHealthy)).toFixed(2)} (target ≤ 0.8); ` +
    `+1 answering ${(median(scaleAnswering) / 1000).toFixed(2)} s (target ≤ 2 s); kill → event ${Math.round(median(killEvent))} ms (target ≤ 300 ms)`
)
process.exit(0)
