/**
 * The compose corpus (compose-corpus.ts) through the real parser and pre-flight, in a child
 * process (compose-corpus-runner.ts) so that a hang is bounded (the child is killed and the
 * rest goes on in a new one) and a crash is counted rather than suffered.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { writeComposeCorpus } from './compose-corpus'
import type { CorpusEntry } from './compose-corpus'
import type { CorpusOutcome } from './compose-corpus-runner'
import { ScenarioTally } from './fault-tally'
import type { Answer } from './fault-tally'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const RUNNER = fileURLToPath(new URL('./compose-corpus-runner.ts', import.meta.url))

class Runner {
  private readonly child: ChildProcess
  private readonly waiting = new Map<string, (outcome: CorpusOutcome | 'exited') => void>()
  private readonly done = new Map<string, CorpusOutcome>()
  exited = false
  /** Set when the scenario killed it (on a hang): its exit is then no crash. */
  killed = false
  stderr = ''

  constructor(files: string[]) {
    this.child = spawn(process.execPath, ['--import', 'tsx', RUNNER, ...files], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000)
    })
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as CorpusOutcome | { start: string }
      if ('start' in parsed) return
      this.done.set(parsed.file, parsed)
      this.waiting.get(parsed.file)?.(parsed)
    })
    this.child.once('exit', () => {
      this.exited = true
      for (const resolve of this.waiting.values()) resolve('exited')
    })
  }

  outcomeOf(file: string): Promise<CorpusOutcome | 'exited'> {
    const known = this.done.get(file)
    if (known !== undefined) return Promise.resolve(known)
    if (this.exited) return Promise.resolve('exited')
    return new Promise((resolve) => this.waiting.set(file, resolve))
  }

  kill(): void {
    this.killed = true
    this.child.kill('SIGKILL')
  }
}

function judge(entry: CorpusEntry, outcome: CorpusOutcome): Answer {
  const what = `${entry.name}: ${outcome.message}`
  if (outcome.outcome === 'threw')
    return { ok: false, kind: null, detail: `${entry.name}: threw ${outcome.kind}: ${outcome.message}` }
  if (outcome.outcome === 'refused') return { ok: false, kind: outcome.kind, detail: what }
  if (entry.expect === 'error')
    return {
      ok: false,
      kind: null,
      detail: `${entry.name}: loaded (${outcome.findings} findings), but it should have been refused`
    }
  if (entry.expect === 'finding' && outcome.findings === 0)
    return { ok: false, kind: null, detail: `${entry.name}: loaded with no pre-flight finding` }
  return { ok: true }
}

export async function composeCorpusScenario(): Promise<ScenarioTally> {
  const dir = mkdtempSync(join(tmpdir(), 'deck-faults-compose-'))
  const files = writeComposeCorpus(dir)
  const tally = new ScenarioTally(`${files.length} malformed and hostile compose files (parser + pre-flight)`, 30_000)
  let runner: Runner | null = null
  let findings = 0
  try {
    for (let i = 0; i < files.length; i++) {
      const { entry, file } = files[i]!
      if (runner === null || runner.exited) runner = new Runner(files.slice(i).map((f) => f.file))
      const current = runner
      const answer = await tally.track(async () => {
        const outcome = await current.outcomeOf(file)
        if (outcome === 'exited') {
          if (current.killed) return new Promise<Answer>(() => undefined)
          tally.crashed(`the parser process died on ${entry.name}: ${current.stderr.split('\n').slice(-3).join(' ')}`)
          return { ok: false, kind: null, detail: `${entry.name}: no answer, the parser process died` }
        }
        findings += outcome.findings
        return judge(entry, outcome)
      })
      if (answer === 'hung') {
        tally.note(`${entry.name} hung the parser`)
        current.kill()
        runner = null
      }
    }
  } finally {
    runner?.kill()
    rmSync(dir, { recursive: true, force: true })
  }
  tally.note(`${findings} pre-flight findings`)
  return tally.finish()
}
