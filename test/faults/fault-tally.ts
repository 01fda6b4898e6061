/**
 * The fault suite's counting: every request a scenario sends is tracked under a time bound
 * and lands in exactly one column (succeeded, failed clearly, failed unclearly, hung), a
 * request that was answered but whose effect never showed moves to "lost", and crashes are
 * counted apart. The suite prints one markdown table of all scenarios and writes it to a file.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** What one request came to, as its scenario reads the answer. */
export type Answer =
  | { ok: true }
  /** A failure with the specific kind the answer named (null: it named none). */
  | { ok: false; kind: string | null; detail: string }

/** Kinds that say nothing a person can act on. */
const UNCLEAR_KINDS = new Set(['Internal', 'InternalError', 'Error', 'unknown'])

export class ScenarioTally {
  sent = 0
  succeeded = 0
  failedClearly = 0
  failedUnclearly = 0
  hung = 0
  lost = 0
  crashes = 0
  readonly kinds = new Map<string, number>()
  /** The first few unclear failures, hangs, losses and crashes, to say what they were. */
  readonly examples: string[] = []
  readonly problems: string[] = []
  /** Set by scenarios whose requests should mostly succeed: a stack that refuses them all, clearly, still fails. */
  private successFloor: { atLeast: number; of: number; what: string } | null = null
  private readonly startedAt = Date.now()
  tookMs = 0

  constructor(
    readonly name: string,
    /** How long one request may take before it counts as hung. */
    readonly boundMs: number
  ) {}

  /** Sends one request under the bound and counts its answer; never throws. */
  async track(send: () => Promise<Answer>, label?: string): Promise<Answer | 'hung'> {
    this.sent += 1
    let timer: NodeJS.Timeout | undefined
    const hung = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), this.boundMs)
    })
    const answered = send().catch((err: unknown): Answer => ({
      ok: false,
      kind: null,
      detail: `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`
    }))
    const answer = await Promise.race([answered, hung])
    clearTimeout(timer)
    this.count(answer, label)
    return answer
  }

  private count(answer: Answer | 'hung', label: string | undefined): void {
    if (answer === 'hung') {
      this.hung += 1
      this.note(`hung: no answer within ${this.boundMs} ms${label === undefined ? '' : ` to ${label}`}`)
    } else if (answer.ok) {
      this.succeeded += 1
    } else if (answer.kind !== null && answer.kind !== '' && !UNCLEAR_KINDS.has(answer.kind)) {
      this.failedClearly += 1
      this.kinds.set(answer.kind, (this.kinds.get(answer.kind) ?? 0) + 1)
    } else {
      this.failedUnclearly += 1
      this.note(`unclear: ${answer.kind ?? 'no kind'}: ${answer.detail}`)
    }
  }

  /** Requests that were answered as succeeded but whose effect never showed (not stored…). */
  lose(count: number, why: string): void {
    if (count <= 0) return
    this.succeeded -= count
    this.lost += count
    this.note(`lost ${count}: ${why}`)
  }

  crashed(what: string): void {
    this.crashes += 1
    this.note(`crash: ${what}`)
  }

  /** A property of the scenario that did not hold (the panel did not reconnect…): fails the suite. */
  problem(what: string): void {
    this.problems.push(what)
    this.note(`problem: ${what}`)
  }

  /**
   * At least `ratio` of `of` requests must end succeeded (answered within the bound and, where
   * the scenario checks, stored): clear failures count against it.
   */
  requireSuccess(ratio: number, of: number, what: string): void {
    this.successFloor = { atLeast: Math.ceil(ratio * of), of, what }
  }

  note(example: string): void {
    if (this.examples.length < 8) this.examples.push(example)
  }

  finish(): this {
    this.tookMs = Date.now() - this.startedAt
    return this
  }

  /** What makes the suite fail. */
  get faults(): string[] {
    const out: string[] = []
    if (this.hung > 0) out.push(`${this.hung} hung`)
    if (this.lost > 0) out.push(`${this.lost} lost`)
    if (this.crashes > 0) out.push(`${this.crashes} crashes`)
    if (this.failedUnclearly > 0) out.push(`${this.failedUnclearly} failed without a clear kind`)
    if (this.successFloor !== null && this.succeeded < this.successFloor.atLeast) {
      const { atLeast, of, what } = this.successFloor
      out.push(`only ${this.succeeded} of ${of} ${what} succeeded, at least ${atLeast} needed`)
    }
    out.push(...this.problems)
    return out
  }
}

/** Runs `count` requests, at most `concurrency` at once. */
export async function inPool(
  count: number,
  concurrency: number,
  request: (index: number) => Promise<unknown>
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) await request(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

function kindsText(tally: ScenarioTally): string {
  const kinds = [...tally.kinds.entries()].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${n}`)
  return [...kinds, ...tally.examples].join('; ').replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

export function faultTable(tallies: readonly ScenarioTally[]): string {
  const rows = tallies.map(
    (t) =>
      `| ${t.name} | ${t.sent} | ${t.succeeded} | ${t.failedClearly} | ${t.failedUnclearly} | ${t.hung} | ${t.lost} | ${t.crashes} | ${(t.boundMs / 1000).toFixed(0)} s | ${(t.tookMs / 1000).toFixed(1)} s | ${kindsText(t)} |`
  )
  const total = (pick: (t: ScenarioTally) => number): number => tallies.reduce((sum, t) => sum + pick(t), 0)
  rows.push(
    `| **all** | ${total((t) => t.sent)} | ${total((t) => t.succeeded)} | ${total((t) => t.failedClearly)} | ${total((t) => t.failedUnclearly)} | ${total((t) => t.hung)} | ${total((t) => t.lost)} | ${total((t) => t.crashes)} | | ${(total((t) => t.tookMs) / 1000).toFixed(1)} s | |`
  )
  return [
    '| scenario | sent | succeeded | failed clearly | failed unclearly | hung | lost | crashes | bound | took | failure kinds, findings |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows
  ].join('\n')
}

export function writeFaultTable(file: string, tallies: readonly ScenarioTally[], heading: string): string {
  const text = `${heading}\n\n${faultTable(tallies)}\n`
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, text)
  return text
}
