/**
 * Stack start and scale-out: `npx tsx bench/stack.bench.ts` (about 3 minutes; BENCH_ROUNDS,
 * default 3). On the engine-test stack (test/engine/fixtures/stack: RabbitMQ with a
 * healthcheck, an RPC echo service depending on it being healthy, a sleeper), images present:
 *   1. up: the panel's `up` (returns when every container is running and healthy) against
 *      `docker-compose up -d` (returns when started; depends_on waits for rabbitmq healthy)
 *      followed by polling until every container is healthy. Fresh project per round.
 *   2. scale echo 1 → 3: time until the scale call returns, and until both new replicas
 *      have answered an RPC call (calls keep flowing from the host the whole time).
 */
import { execFileSync } from 'node:child_process'
import Docker from 'dockerode'
import { PanelUnderTest } from '../test/support/panel-under-test'
import { RpcClient } from '../src/services/rpc'
import { dockerCompose, fixtureStack, removeProject } from '../test/engine/engine-fixture'
import type { FixtureStack } from '../test/engine/engine-fixture'

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3)
const docker = new Docker()

async function allHealthy(project: string, expected: number): Promise<void> {
  for (;;) {
    const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } })
    if (list.length === expected && list.every((c) => c.State === 'running' && !c.Status.includes('starting') && !c.Status.includes('unhealthy'))) return
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
  const controller = new PanelUnderTest(stack.config)
  const t0 = performance.now()
  const result = await controller.invoke('up', {})
  const ms = performance.now() - t0
  if (!result.ok) throw new Error(result.error.message)
  return { ms, stack, controller }
}

async function composeUp(): Promise<{ returnedMs: number; healthyMs: number }> {
  const stack = await fixtureStack('benchc')
  const t0 = performance.now()
  dockerCompose(stack, ['up', '-d'])
  const returnedMs = performance.now() - t0
  await allHealthy(stack.project, 3)
  const healthyMs = performance.now() - t0
  execFileSync('docker-compose', ['-f', 'test/engine/fixtures/stack/compose.yaml', '-p', stack.project, 'down'], { env: stack.composeEnv, stdio: 'ignore' })
  removeProject(stack.project)
  return { returnedMs, healthyMs }
}

async function scaleOut(stack: FixtureStack, controller: PanelUnderTest): Promise<{ returnedMs: number; answeringMs: number }> {
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
  const result = await controller.invoke('scale', { service: 'echo', replicas: 3 })
  const returnedMs = performance.now() - t0
  if (!result.ok) throw new Error(result.error.message)
  while (seen.size < 2) await new Promise((r) => setTimeout(r, 20))
  running = false
  await Promise.all(callers)
  await client.close()
  const answeringMs = Math.max(...seen.values())
  const back = await controller.invoke('scale', { service: 'echo', replicas: 1 })
  if (!back.ok) throw new Error(back.error.message)
  return { returnedMs, answeringMs }
}

const panel: number[] = []
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
  await controller.invoke('down', {})
  await controller.close()
  removeProject(stack.project)
  console.log(`round ${round}: compose up -d ${(c.returnedMs / 1000).toFixed(2)} s (healthy ${(c.healthyMs / 1000).toFixed(2)} s), panel up (healthy) ${(ms / 1000).toFixed(2)} s`)
}
console.log(`panel up → all healthy:            ${stats(panel)}`)
console.log(`docker-compose up -d returns:      ${stats(composeReturned)}`)
console.log(`docker-compose up -d → all healthy: ${stats(composeHealthy)}`)
console.log(`scale 1→3 call returns:            ${stats(scaleReturned)}`)
console.log(`scale 1→3 → both new replicas answer RPC: ${stats(scaleAnswering)}`)
process.exit(0)
