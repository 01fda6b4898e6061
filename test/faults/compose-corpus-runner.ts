/**
 * Child process of the compose-corpus scenario: loads each file it is given with the real
 * compose parser and runs the host-access pre-flight on it, printing one JSON line per file
 * (`start`, then its outcome). A process of its own, so a file that hangs or crashes the
 * parser is seen as that (the parent kills it on a hang) rather than taking the suite with it.
 *   node --import tsx test/faults/compose-corpus-runner.ts FILE…
 */
import { loadComposeProject } from '../../src/main/stack/compose-file'
import { HostAccessGate, MemoryApprovals } from '../../src/main/stack/host-access-gate'

export interface CorpusOutcome {
  file: string
  outcome: 'loaded' | 'refused' | 'threw'
  kind: string | null
  findings: number
  message: string
  ms: number
}

for (const file of process.argv.slice(2)) {
  process.stdout.write(`${JSON.stringify({ start: file })}\n`)
  const started = performance.now()
  let result: Omit<CorpusOutcome, 'file' | 'ms'>
  try {
    const project = loadComposeProject({ file, project: 'corpus', env: {}, envFiles: [] })
    const { findings } = new HostAccessGate(new MemoryApprovals()).preflight(project)
    result = {
      outcome: 'loaded',
      kind: null,
      findings: findings.length,
      message: findings
        .map((f) => `${f.kind}: ${f.message}`)
        .join('; ')
        .slice(0, 300)
    }
  } catch (err) {
    const e = err as Error & { kind?: unknown }
    const kind = typeof e.kind === 'string' ? e.kind : null
    result = {
      outcome: kind === null ? 'threw' : 'refused',
      kind: kind ?? e.name,
      findings: 0,
      message: String(e.message).slice(0, 300)
    }
  }
  process.stdout.write(`${JSON.stringify({ file, ...result, ms: Math.round(performance.now() - started) })}\n`)
}
