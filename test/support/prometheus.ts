/**
 * A real Prometheus (Debian's `prometheus` package) as a child process on loopback, with a
 * config the test writes and its data in a temporary directory; stop() ends it and removes both.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port'
import { waitUntil } from './crawl-stack'

export interface RunningPrometheus {
  url: string
  /** The value of an instant query's single series (or the sum of several), null when it has none. */
  query(promql: string, atSeconds?: number): Promise<number | null>
  stop(): Promise<void>
}

export const PROMETHEUS_BINARY = process.env['PROMETHEUS_BINARY'] ?? '/usr/bin/prometheus'

export async function startPrometheus(targets: { job: string; target: string }[]): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'deck-prometheus-'))
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 900ms',
    'scrape_configs:',
    ...targets.flatMap(({ job, target }) => [
      `  - job_name: ${job}`,
      '    static_configs:',
      `      - targets: ['${target}']`
    ])
  ].join('\n')
  await writeFile(join(dir, 'prometheus.yml'), `${config}\n`)
  const port = await freePort()
  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  )
  let output = ''
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await waitUntil(
      async () => child.exitCode === null && (await fetch(`${url}/-/ready`)).ok,
      30_000,
      `Prometheus to be ready (${output.slice(-1000)})`,
      200
    )
  } catch (err) {
    await stop()
    throw err
  }
  return {
    url,
    stop,
    async query(promql, atSeconds) {
      const params = new URLSearchParams({ query: promql })
      if (atSeconds !== undefined) params.set('time', String(atSeconds))
      const res = await fetch(`${url}/api/v1/query?${params}`)
      const body = (await res.json()) as {
        status: string
        error?: string
        data?: { resultType: string; result: { value: [number, string] }[] }
      }
      if (body.status !== 'success') throw new Error(`PromQL ${promql} failed: ${body.error ?? res.status}`)
      const series = body.data?.result ?? []
      return series.length === 0 ? null : series.reduce((sum, s) => sum + Number(s.value[1]), 0)
    }
  }
}
