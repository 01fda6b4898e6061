/**
 * The benches' Python peers (bench/peers/): a venv per requirements file (.cache/bench-venv for
 * bench/peers/requirements.txt, .cache/bench-venv-scrapy for scrapy-requirements.txt, whose
 * Twisted must not meet the Nameko peer's eventlet), installed from PyPI the first time a bench
 * needs it (and again when the pins change), and long-lived Python processes spoken to one
 * JSON line at a time.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const PEERS_DIR = `${REPO_ROOT}bench/peers`

/** The peers' venvs, each with its own requirements file under bench/peers/. */
const VENVS = {
  nameko: { dir: `${REPO_ROOT}.cache/bench-venv`, requirements: `${PEERS_DIR}/requirements.txt` },
  scrapy: { dir: `${REPO_ROOT}.cache/bench-venv-scrapy`, requirements: `${PEERS_DIR}/scrapy-requirements.txt` }
} as const
export type BenchVenv = keyof typeof VENVS

/** A venv's bin directory, after installing its pinned peers if they are missing or stale. */
export function benchVenvBin(venv: BenchVenv = 'nameko'): string {
  const { dir, requirements } = VENVS[venv]
  const stamp = `${dir}/.requirements-sha256`
  const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return `${dir}/bin`
  console.error(`installing the Python peers (${requirements}) into ${dir} from PyPI…`)
  run('python3', ['-m', 'venv', dir])
  run(`${dir}/bin/pip`, ['install', '-q', '-r', requirements])
  writeFileSync(stamp, wanted)
  return `${dir}/bin`
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] })
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`)
}

/** A Python process that answers each line written to its stdin with one JSON line. */
export interface LinePeer {
  readonly process: ChildProcess
  ask<T>(line: string): Promise<T>
  stop(): Promise<void>
}

export async function startLinePeer(
  script: string,
  args: string[],
  env: Record<string, string> = {}
): Promise<LinePeer> {
  const child = spawn(`${benchVenvBin()}/python`, [`${PEERS_DIR}/${script}`, ...args], {
    cwd: PEERS_DIR,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const lines = createInterface({ input: child.stdout })
  const waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = []
  lines.on('line', (line) => waiting.shift()?.resolve(line))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  void exited.then(() => {
    for (const w of waiting.splice(0)) w.reject(new Error(`${script} exited:\n${stderr}`))
  })
  const next = (): Promise<string> => new Promise((resolve, reject) => waiting.push({ resolve, reject }))
  const ready = await next()
  if (!ready.includes('ready')) throw new Error(`${script} did not start: ${ready}\n${stderr}`)
  return {
    process: child,
    async ask<T>(line: string): Promise<T> {
      const answer = next()
      child.stdin.write(`${line}\n`)
      return JSON.parse(await answer) as T
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.stdin.end('quit\n')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  }
}
