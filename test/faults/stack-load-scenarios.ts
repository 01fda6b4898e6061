/**
 * Parts of the real stack taken away under load: the broker restarted, a scraper replica
 * killed, Elasticsearch stopped and started. Lookups of fresh ids (each a real scrape) go on
 * throughout; every one must be answered within its bound, and every 200 must end up stored.
 */
import type { FaultStack } from './fault-stack'
import { ScenarioTally, inPool } from './fault-tally'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Fresh ids, each used by one scenario only, so every lookup is a cache miss and a scrape. */
export class FreshIds {
  private next = 0
  constructor(private readonly ids: readonly string[]) {}
  take(count: number): string[] {
    if (this.next + count > this.ids.length)
      throw new Error(`the board has only ${this.ids.length} normal listings; ${this.next + count} needed`)
    const out = this.ids.slice(this.next, this.next + count)
    this.next += count
    return out
  }
}

interface Load {
  /** Ids answered 200. */
  answered: string[]
  done: Promise<void>
}

/** Lookups of `ids`, one started every `everyMs` (at most `concurrency` in flight). */
function paced(
  stack: FaultStack,
  tally: ScenarioTally,
  ids: readonly string[],
  everyMs: number,
  concurrency: number
): Load {
  const answered: string[] = []
  const startedAt = Date.now()
  const done = inPool(ids.length, concurrency, async (i) => {
    await sleep(Math.max(0, i * everyMs - Date.now() + startedAt))
    const answer = await tally.track(() => stack.lookup(ids[i]!, ids[i]))
    if (answer !== 'hung' && answer.ok) answered.push(ids[i]!)
  })
  return { answered, done }
}

/** Waits until a fresh lookup succeeds again (the stack is whole for the next scenario). */
async function untilLookupsWork(stack: FaultStack, ids: FreshIds, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const [id] = ids.take(1)
  for (;;) {
    const answer = await stack
      .lookup(id!, id)
      .catch((err: unknown) => ({ ok: false as const, kind: null, detail: String(err) }))
    if (answer.ok) return
    if (Date.now() > deadline) throw new Error(`lookups still fail ${timeoutMs} ms after the fault: ${answer.detail}`)
    await sleep(500)
  }
}

export async function brokerRestart(stack: FaultStack, ids: FreshIds, count = 150): Promise<ScenarioTally> {
  const tally = new ScenarioTally(`broker restart under load (${count} lookups over ~${(count * 60) / 1000} s)`, 60_000)
  const before = await stack.containers()
  const broker = await stack.container('rabbitmq')
  // Clients reconnect and resend: a restart costs time, not answers.
  tally.requireSuccess(0.99, count, 'lookups through a broker restart (answered after the reconnect, within 60 s each)')
  const load = paced(stack, tally, ids.take(count), 60, 40)
  await sleep(1500)
  await stack.docker(['restart', '-t', '5', broker.name])
  await load.done
  await untilLookupsWork(stack, ids, 60_000)
  tally.lose(...(await stack.unstored(load.answered)))
  for (const crash of await stack.crashesSince(before, new Set([broker.name]))) tally.crashed(crash)
  return tally.finish()
}

export async function replicaKill(stack: FaultStack, ids: FreshIds, count = 150): Promise<ScenarioTally> {
  const tally = new ScenarioTally(`scraper replica killed under load (${count} lookups, 2 replicas)`, 60_000)
  const before = await stack.containers()
  const victim = await stack.container('scraper', 0)
  // The other replica takes the killed one's requests once the broker redelivers them.
  tally.requireSuccess(0.99, count, 'lookups through a replica kill (answered by the other replica, within 60 s each)')
  const load = paced(stack, tally, ids.take(count), 40, 24)
  await sleep(1500)
  await stack.docker(['kill', victim.name])
  await load.done
  // Back to two replicas for what follows.
  await stack.docker(['start', victim.name])
  await untilLookupsWork(stack, ids, 60_000)
  tally.lose(...(await stack.unstored(load.answered)))
  for (const crash of await stack.crashesSince(before, new Set([victim.name]))) tally.crashed(crash)
  return tally.finish()
}

/** Elasticsearch stopped: lookups answer from the scraper; once it is back every pending write lands. */
export async function elasticsearchOutage(stack: FaultStack, ids: FreshIds, count = 60): Promise<ScenarioTally> {
  const tally = new ScenarioTally(
    `Elasticsearch outage and recovery (${count} lookups and 10 searches while down)`,
    30_000
  )
  const before = await stack.containers()
  const es = await stack.container('elasticsearch')
  await stack.docker(['stop', '-t', '10', es.name])
  // Lookups answer from a scrape while the cache is down; only the searches may fail (clearly).
  tally.requireSuccess(0.99, count, 'lookups while Elasticsearch is down')
  const load = paced(stack, tally, ids.take(count), 20, 8)
  const searches = inPool(10, 2, async () => {
    await tally.track(async () => {
      const res = await fetch(`${stack.apiUrl}/joblistings?q=engineer`)
      const body = (await res.json()) as { error?: { kind?: string; message?: string } }
      return res.ok
        ? { ok: true }
        : { ok: false, kind: body.error?.kind ?? null, detail: `${res.status} ${body.error?.message ?? ''}` }
    })
  })
  await Promise.all([load.done, searches])
  const pending = (await stack.health()).elasticsearch.pendingWrites
  tally.note(`${pending} writes pending while down`)
  await stack.docker(['start', es.name])
  // Bounded: on a loaded machine Elasticsearch takes long to start (compose.yaml's start_period).
  const deadline = Date.now() + 180_000
  for (;;) {
    const health = await stack.health().catch(() => null)
    if (health?.elasticsearch.available === true && health.elasticsearch.pendingWrites === 0) break
    if (Date.now() > deadline) {
      tally.problem(
        `pending writes not flushed 180 s after Elasticsearch started (${health?.elasticsearch.pendingWrites ?? '?'} left)`
      )
      break
    }
    await sleep(1000)
  }
  tally.lose(...(await stack.unstored(load.answered, 30_000)))
  for (const crash of await stack.crashesSince(before, new Set([es.name]))) tally.crashed(crash)
  return tally.finish()
}
