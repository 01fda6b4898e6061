/**
 * A scraper's CPU per page, alone: `npx tsx bench/scraper-cpu.bench.ts` (npm run
 * bench:scraper-cpu; about a minute). One scraper process (src/services/scraper/main.ts,
 * SCRAPER_MAX_WORKERS 10 as in the stack) on the test RabbitMQ answers BENCH_PAGES calls of
 * get_job_listing_info (default 1000, 20 in flight) for a board in this process at
 * BENCH_LATENCY_MS a page (default 50), after a warm-up of 200 calls (its parse threads load
 * their parser first). Its CPU is the process's /proc CPU (every thread: the AMQP path, the
 * fetch, the hand-off to the parse threads, the parse, its log lines), over the pages it
 * answered; the board and the caller run in this process and are left out.
 * BENCH_TREES=<dir>,<dir> runs the scraper of each tree (a checkout of another commit, with
 * node_modules) in turn, BENCH_ROUNDS times (default 2), so two versions are compared in one
 * run under the same load; default: this tree. BENCH_NODE_ARGS adds options to each scraper's
 * `node` (`--cpu-prof --cpu-prof-dir=<dir>`: a profile per thread, of wall time, so a thread
 * preempted inside a function counts there; the per-thread CPU in the table is /proc's).
 */
import { connect } from 'amqplib'
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import type { ChildProcess } from 'node:child_process'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { startJobBoard } from '../src/services/jobboard/server'
import { RpcClient } from '../src/services/rpc/client'
import { serviceQueueName } from '../src/services/rpc/wire'
import { TEST_AMQP_URI } from '../test/support/test-endpoints'
import { machineLine } from './support/machine'
import { processCpuSeconds } from './support/process-cpu'

const PAGES = Number(process.env['BENCH_PAGES'] ?? 1000)
const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 50)
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2)
const IN_FLIGHT = 20
const WARMUP = 200
const HERE = fileURLToPath(new URL('..', import.meta.url))
const TREES = (process.env['BENCH_TREES'] ?? HERE).split(',').filter((tree) => tree !== '')
const NODE_ARGS = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((arg) => arg !== '')

interface Scraper {
  child: ChildProcess
  stop(): Promise<void>
}

async function startScraper(tree: string, service: string, boardUrl: string): Promise<Scraper> {
  const child = spawn(process.execPath, [...NODE_ARGS, '--import', 'tsx', 'src/services/scraper/main.ts'], {
    cwd: tree,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      AMQP_URI: TEST_AMQP_URI,
      SCRAPER_SERVICE_NAME: service,
      SCRAPER_SOURCE_URL_TEMPLATE: `${boardUrl}/jobs/{id}`,
      SCRAPER_REPLICA_NAME: 'bench-cpu',
      SCRAPER_MAX_WORKERS: '10'
    },
    // Its log lines are read (and dropped) as the stack's log collector would read them.
    stdio: ['ignore', 'ignore', 'pipe']
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`the scraper of ${tree} did not start:\n${output}`)), 60_000)
    child.stderr!.on('data', (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString()
      if (output.includes('"msg":"scraper started"')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', () => reject(new Error(`the scraper of ${tree} exited:\n${output}`)))
  })
  return {
    child,
    async stop() {
      child.kill('SIGTERM')
      await exited
    }
  }
}

/** CPU seconds of each thread of a process, by thread id, with its name (/proc/<pid>/task). */
function threadCpu(pid: number): Map<string, { name: string; seconds: number }> {
  const threads = new Map<string, { name: string; seconds: number }>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ')
      threads.set(tid, {
        name: tid === String(pid) ? 'main' : name,
        seconds: (Number(fields[11]) + Number(fields[12])) / 100
      })
    } catch {
      // The thread ended meanwhile.
    }
  }
  return threads
}

/** Milliseconds per page by thread name, the busiest first: where in the process the CPU went. */
function threadShares(before: ReturnType<typeof threadCpu>, after: ReturnType<typeof threadCpu>): string {
  const byName = new Map<string, number>()
  for (const [tid, { name, seconds }] of after) {
    const spent = seconds - (before.get(tid)?.seconds ?? 0)
    byName.set(name, (byName.get(name) ?? 0) + spent)
  }
  return [...byName]
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name} ${((seconds / PAGES) * 1000).toFixed(2)}`)
    .join(', ')
}

/** Calls for these ids, IN_FLIGHT at a time; answers how many were listings (the rest are errors such as 410s). */
async function scrape(client: RpcClient, service: string, ids: string[]): Promise<number> {
  let next = 0
  let listings = 0
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!
      try {
        await client.call(service, 'get_job_listing_info', [id])
        listings += 1
      } catch {
        // An expired listing (410) answers an error: a page fetched all the same.
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  return listings
}

async function main(): Promise<void> {
  console.log(`scraper-cpu bench ${new Date().toISOString()} · ${machineLine()}`)
  const board = await startJobBoard({
    host: '127.0.0.1',
    port: 0,
    count: WARMUP + PAGES,
    latency: { minMs: LATENCY_MS, maxMs: LATENCY_MS }
  })
  const client = await RpcClient.connect({ amqpUri: TEST_AMQP_URI, connectionName: 'bench-scraper-cpu' })
  const ids = board.catalog.entries.map((entry) => entry.id)
  const services: string[] = []
  try {
    console.log(`${PAGES} pages at ${LATENCY_MS} ms, ${IN_FLIGHT} calls in flight, one scraper × 10 workers`)
    console.log('| round | tree | CPU ms per page | by thread (ms per page) | listings | wall s | load average |')
    console.log('|---|---|---|---|---|---|---|')
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const tree of TREES) {
        const service = `bench_cpu_${process.pid}_${round}_${TREES.indexOf(tree)}`
        services.push(service)
        const scraper = await startScraper(tree, service, board.url)
        try {
          await scrape(client, service, ids.slice(0, WARMUP))
          const before = processCpuSeconds(scraper.child.pid)
          const threadsBefore = threadCpu(scraper.child.pid!)
          const started = performance.now()
          const listings = await scrape(client, service, ids.slice(WARMUP))
          const cpu = processCpuSeconds(scraper.child.pid) - before
          const threads = threadShares(threadsBefore, threadCpu(scraper.child.pid!))
          const wall = (performance.now() - started) / 1000
          console.log(
            `| ${round} | ${tree} | ${((cpu / PAGES) * 1000).toFixed(2)} | ${threads} | ${listings} | ${wall.toFixed(1)} | ${loadavg()[0]!.toFixed(1)} |`
          )
        } finally {
          await scraper.stop()
        }
      }
    }
  } finally {
    await client.close()
    await board.close()
    // The scrapers' durable queues leave the shared broker with the bench.
    const connection = await connect(TEST_AMQP_URI)
    const channel = await connection.createChannel()
    for (const service of services) await channel.deleteQueue(serviceQueueName(service))
    await connection.close()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
