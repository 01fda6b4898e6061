/**
 * Bad input against the real stack's API: the board's hostile listings looked up beside
 * normal ones (the replicas must keep answering, each hostile page refused by kind), and
 * 10,000 fuzzed ids at once through GET /joblisting/:id.
 */
import type { FaultStack } from './fault-stack'
import { ScenarioTally, inPool } from './fault-tally'
import { fuzzedIds } from './id-fuzz'

export interface BoardJobs {
  active: string[]
  hostile: string[]
}

export async function boardJobs(stack: FaultStack): Promise<BoardJobs> {
  const jobs = (await (await fetch(`${stack.boardUrl}/jobs.json`)).json()) as {
    jobs: { id: string; status: string; hostile?: boolean }[]
  }
  return {
    active: jobs.jobs.filter((j) => j.status === 'active' && j.hostile !== true).map((j) => j.id),
    hostile: jobs.jobs.filter((j) => j.hostile === true).map((j) => j.id)
  }
}

/** Each hostile listing three times, with 60 normal lookups in between; normal answers must be stored. */
export async function hostilePages(
  stack: FaultStack,
  hostile: readonly string[],
  normal: readonly string[]
): Promise<ScenarioTally> {
  const tally = new ScenarioTally(
    `hostile pages (${hostile.length} hostile listings ×3 among ${normal.length} normal lookups)`,
    30_000
  )
  const before = await stack.containers()
  const work = [
    ...normal.map((id) => ({ id, hostile: false })),
    ...[0, 1, 2].flatMap(() => hostile.map((id) => ({ id, hostile: true })))
  ]
  // Hostile ones first in each round, so normal lookups run while replicas are on a hostile page.
  work.sort((a, b) => Number(b.hostile) - Number(a.hostile))
  const stored: string[] = []
  // A hostile page next door must not cost a normal listing its answer.
  tally.requireSuccess(0.99, normal.length, 'normal lookups among hostile pages')
  await inPool(work.length, 12, async (i) => {
    const { id, hostile: isHostile } = work[i]!
    const answer = await tally.track(() => stack.lookup(id, id))
    if (answer !== 'hung' && answer.ok) {
      // A hostile page is no listing: a 200 for it is something stored that should not be.
      if (isHostile) tally.problem(`hostile listing ${id} answered 200`)
      else stored.push(id)
    }
  })
  tally.lose(...(await stack.unstored(stored)))
  for (const crash of await stack.crashesSince(before)) tally.crashed(crash)
  return tally.finish()
}

/** 10,000 fuzzed ids through the API, 32 at a time; every answer must name a kind. */
export async function fuzzedIdsThroughApi(stack: FaultStack, count: number): Promise<ScenarioTally> {
  const ids = fuzzedIds(count, 11)
  const tally = new ScenarioTally(
    `${count} fuzzed ids through the API (${ids.filter((i) => i.wellFormed).length} well-formed)`,
    15_000
  )
  const before = await stack.containers()
  await inPool(ids.length, 32, async (i) => {
    await tally.track(() => stack.lookup(ids[i]!.path))
  })
  for (const crash of await stack.crashesSince(before)) tally.crashed(crash)
  return tally.finish()
}
