/**
 * Footprint, and a 10,000-id crawl in the real stack: `npx tsx bench/footprint.bench.ts`
 * (about 4 min with the stack images present; BENCH_REPLICAS, default 3; BENCH_SKIP_BUILD=1
 * keeps an existing out/renderer; BENCH_PORT_BASE, default 27000, puts the stack's ports at
 * base+72…base+92). In order:
 *   1. the renderer bundle, gzipped (`electron-vite build`, as `npm run build`)
 *   2. the web shell RSS idle, with no stack, run as `npm run web` and `npm start` run it: the
 *      tsx CLI, which runs src/main/web/main.ts in a child node process with tsx's loader; the
 *      shell is that child, and the CLI beside it is counted apart
 *   3. the stack (compose.yaml, .env.images) brought up with `deck up` under its own project
 *      name and ports base+72…base+92 (board: 10,000 listings at 200 ms a page), scraper × BENCH_REPLICAS:
 *      scraper replica RSS idle (docker stats), image sizes
 *   4. a crawl of the whole board (10,000 ids) through the API: time to done, peak RPC queue
 *      depth (management API), peak API + coordinator container memory, web shell RSS
 *      (sampled every second; no browser is attached to the shell)
 *   5. `deck down --volumes` of its own project.
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { managementGet } from '../src/main/broker/management-api'
import { credentialsFilePath, ensureCredentialsFile } from '../src/main/stack/credentials-file'
import { CrawlClient } from '../src/main/clients/crawl-client'
import { rpcQueueName } from '../src/shared/rpc-names'
import { DEFAULT_SCRAPER_SERVICE } from '../src/services/env'
import { waitUntil } from '../test/support/crawl-stack'
import { machineLine } from './support/machine'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REPLICAS = Number(process.env['BENCH_REPLICAS'] ?? 3)
const BOARD_COUNT = 10_000
const project = `benchfp${randomBytes(3).toString('hex')}`
/** A range of 100 ports of the bench's own (several benches share the machine). */
const PORT_BASE = Number(process.env['BENCH_PORT_BASE'] ?? 27000)
const port = (offset: number): string => String(PORT_BASE + offset)
const STACK_ENV: Record<string, string> = {
  DECK_PROJECT: project,
  RABBITMQ_PORT: port(72),
  RABBITMQ_MANAGEMENT_PORT: port(73),
  ELASTICSEARCH_PORT: port(92),
  API_PORT: port(80),
  JOBBOARD_PORT: port(81),
  DECK_API_URL: `http://127.0.0.1:${port(80)}`,
  DECK_WEB_PORT: port(74),
  DECK_WEB_TOKEN: randomBytes(24).toString('hex'),
  JOBBOARD_COUNT: String(BOARD_COUNT),
  JOBBOARD_LATENCY_MS: '200',
  // Elasticsearch's start alone took over 180 s (the default) with the machine's load at 40.
  DECK_UP_TIMEOUT_MS: '600000'
}

function deck(...args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'src/main/cli/deck.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...STACK_ENV },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 900_000
  })
}

/**
 * `deck up`; when it fails only because healthchecks ran out of time (with the machine's load
 * at 40-70 a healthcheck's own `node` start took longer than its 5 s timeout, and the panel
 * reports such a container unhealthy), go on if the services answer from the host.
 */
async function upTolerant(args: string[], answers: () => Promise<boolean>): Promise<string | null> {
  try {
    deck(...args)
    return null
  } catch (err) {
    if (!(await answers().catch(() => false))) throw err
    return `deck ${args.join(' ')} failed (${(err as Error).message.split('\n')[0]}) but the stack answers: measured anyway`
  }
}

async function apiAnswers(): Promise<boolean> {
  return (await fetch(`${STACK_ENV['DECK_API_URL']}/health`)).ok
}

/**
 * The stack's RabbitMQ user (it has no guest): from the checkout's credentials file, which the
 * panel writes on first need; written here first if missing, as `deck up` would.
 */
const CREDENTIALS = ensureCredentialsFile(credentialsFilePath(join(ROOT, 'compose.yaml')))

/** The scraper queue at the stack's management API. */
async function scraperQueue(): Promise<{ consumers?: number; messages?: number }> {
  return managementGet(
    {
      url: `http://127.0.0.1:${STACK_ENV['RABBITMQ_MANAGEMENT_PORT']}`,
      username: CREDENTIALS.rabbitmqUser,
      password: CREDENTIALS.rabbitmqPassword
    },
    `/api/queues/%2F/${encodeURIComponent(rpcQueueName(DEFAULT_SCRAPER_SERVICE))}?columns=consumers,messages`
  )
}

async function scrapersConsuming(): Promise<boolean> {
  return (await scraperQueue()).consumers === REPLICAS
}

/** The web shell's own process: the tsx CLI's one child (the CLI runs the script in it). */
function childOf(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
  if (children.length !== 1)
    throw new Error(`expected the tsx CLI (pid ${pid}) to have one child, found ${children.length}`)
  return children[0]!
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) / 1024 : NaN
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

function rendererGzipKb(): { files: number; rawKb: number; gzipKb: number } {
  if (process.env['BENCH_SKIP_BUILD'] !== '1' || !existsSync(join(ROOT, 'out/renderer/index.html'))) {
    execFileSync('npx', ['electron-vite', 'build'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
    })
  }
  const files = filesUnder(join(ROOT, 'out/renderer')).filter((f) => /\.(js|css|html)$/.test(f))
  let raw = 0
  let gz = 0
  for (const f of files) {
    const bytes = readFileSync(f)
    raw += bytes.length
    gz += gzipSync(bytes, { level: 9 }).length
  }
  return { files: files.length, rawKb: Math.round(raw / 1024), gzipKb: Math.round(gz / 1024) }
}

/** `docker stats --no-stream` memory of the project's containers, MiB by container name. */
function containerMemMb(): Map<string, number> {
  const out = execFileSync('docker', ['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}'], {
    encoding: 'utf8'
  })
  const mem = new Map<string, number>()
  for (const line of out.split('\n')) {
    const [name, usage] = line.split(' ')
    if (name === undefined || usage === undefined || !name.startsWith(project)) continue
    const match = /^([\d.]+)(KiB|MiB|GiB|B)$/.exec(usage)
    if (match === null) continue
    const factor = { B: 1 / 2 ** 20, KiB: 1 / 1024, MiB: 1, GiB: 1024 }[match[2] as 'B' | 'KiB' | 'MiB' | 'GiB']
    mem.set(name, Number(match[1]) * factor)
  }
  return mem
}

function imageSizesMb(): Record<string, number> {
  const env = readFileSync(join(ROOT, '.env.images'), 'utf8')
  const images = [...env.matchAll(/^[A-Z_]+_IMAGE=(\S+)$/gm)].map((m) => m[1] as string)
  return Object.fromEntries(
    images.map((image) => [
      image,
      Math.round(
        Number(
          execFileSync('docker', ['image', 'inspect', '--format', '{{.Size}}', image], { encoding: 'utf8' }).trim()
        ) / 1e6
      )
    ])
  )
}

async function queueDepth(): Promise<number> {
  return (await scraperQueue()).messages ?? 0
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Each of the project's containers: state, exit code, OOM kill, restarts; and the API's last log lines. */
function showProjectContainers(): void {
  try {
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `name=^${project}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
    if (ids.length === 0) return
    const format =
      '{{.Name}} {{.State.Status}} exit {{.State.ExitCode}} oom {{.State.OOMKilled}} restarts {{.RestartCount}} health {{if .State.Health}}{{.State.Health.Status}}{{end}}'
    console.error(execFileSync('docker', ['inspect', '--format', format, ...ids], { encoding: 'utf8' }))
    const api = execFileSync('docker', ['ps', '-aq', '--filter', `name=^${project}[-_]api`], {
      encoding: 'utf8'
    }).trim()
    if (api !== '')
      console.error(
        execFileSync('docker', ['logs', '--tail', '30', api], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      )
  } catch (err) {
    console.error(`could not show the project's containers: ${(err as Error).message}`)
  }
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString()
  const machine = machineLine()
  if (!existsSync(join(ROOT, '.env.images')))
    throw new Error('no .env.images: run npm run stack:images first (the bench uses the offline images)')
  const bundle = rendererGzipKb()
  console.log(`renderer bundle: ${bundle.files} files, ${bundle.rawKb} KB, ${bundle.gzipKb} KB gzipped`)

  // As `npm run web` and `npm start` (scripts/start-panel.ts) run it: the tsx CLI itself.
  const shell = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['src/main/web/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...STACK_ENV },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let shellOut = ''
  shell.stdout.on('data', (c: Buffer) => (shellOut += c.toString()))
  shell.stderr.on('data', (c: Buffer) => (shellOut += c.toString()))
  let up = false
  let measured = false
  try {
    await waitUntil(
      async () => shellOut.includes('scrapedeck web shell:'),
      60_000,
      `the web shell to start:\n${shellOut}`,
      200
    )
    await sleep(5000)
    const shellPid = childOf(shell.pid as number)
    const shellIdleMb = rssMb(shellPid)
    const cliMb = rssMb(shell.pid as number)
    console.log(
      `web shell RSS idle (no stack): ${shellIdleMb.toFixed(0)} MB (the tsx CLI beside it: ${cliMb.toFixed(0)} MB)`
    )

    up = true
    const upStarted = performance.now()
    const notes: string[] = []
    const upNote = await upTolerant(['up'], apiAnswers)
    if (upNote !== null) notes.push(upNote)
    // The management API counts consumers every 5 s: give it time before judging the scale.
    const scaleNote = await upTolerant(['scale', 'scraper', String(REPLICAS)], () =>
      sleep(12_000).then(scrapersConsuming)
    )
    if (scaleNote !== null) notes.push(scaleNote)
    for (const note of notes) console.log(`note: ${note}`)
    const upSeconds = (performance.now() - upStarted) / 1000
    await sleep(5000)
    const idleMem = containerMemMb()
    const scraperIdle = [...idleMem].filter(([name]) => name.includes('scraper')).map(([, mb]) => mb)
    console.log(
      `stack up + scale ${REPLICAS}: ${upSeconds.toFixed(1)} s; idle container memory MiB: ${JSON.stringify(Object.fromEntries([...idleMem].map(([n, mb]) => [n, Math.round(mb)])))}`
    )
    const shellStackIdleMb = rssMb(shellPid)

    const client = new CrawlClient({ baseUrl: STACK_ENV['DECK_API_URL'] as string, timeoutMs: 30_000 })
    const crawlStarted = performance.now()
    const crawl = await client.start({ source: { kind: 'board' }, refresh: true, maxAttempts: 3, name: 'bench-10k' })
    let peakQueue = 0
    let queueReadFailures = 0
    let peakApiMb = 0
    let peakShellMb = 0
    let last = await client.get(crawl.crawl.id)
    for (;;) {
      // A read that fails is counted and shown, not taken as an empty queue.
      peakQueue = Math.max(peakQueue, await queueDepth().catch(() => ((queueReadFailures += 1), 0)))
      peakShellMb = Math.max(peakShellMb, rssMb(shellPid))
      const api = [...containerMemMb()].find(([name]) => name.includes('api'))
      if (api !== undefined) peakApiMb = Math.max(peakApiMb, api[1])
      last = await client.get(crawl.crawl.id)
      if (!last.ingesting && last.total > 0 && last.queued + last.scraping === 0) break
      if (performance.now() - crawlStarted > 600_000)
        throw new Error(`the crawl did not end in 10 min: ${JSON.stringify(last)}`)
      await sleep(1000)
    }
    const crawlSeconds = (performance.now() - crawlStarted) / 1000
    const images = imageSizesMb()
    console.log(
      `\nfootprint bench ${startedAt}; ${machine} (at the start); now load ${machineLine().split('load average ')[1]}`
    )
    console.log(
      `command: npx tsx bench/footprint.bench.ts (BENCH_REPLICAS=${REPLICAS}; board ${BOARD_COUNT} at 200 ms a page)`
    )
    console.log('| figure | value | target |')
    console.log('|---|---|---|')
    console.log(
      `| renderer bundle gzipped (${bundle.files} files, ${bundle.rawKb} KB raw) | ${bundle.gzipKb} KB | ≤ 300 KB |`
    )
    console.log(
      `| web shell RSS idle, no stack (its node process; the tsx CLI that started it ${cliMb.toFixed(0)} MB more) | ${shellIdleMb.toFixed(0)} MB | ≤ 150 MB |`
    )
    console.log(`| web shell RSS, stack up, idle | ${shellStackIdleMb.toFixed(0)} MB | ≤ 150 MB |`)
    console.log(`| web shell RSS peak, stack + crawl running | ${peakShellMb.toFixed(0)} MB | ≤ 150 MB |`)
    console.log(
      `| scraper replica memory idle (docker stats), each | ${scraperIdle.map((mb) => mb.toFixed(0)).join(', ')} MiB | ≤ 80 MB |`
    )
    console.log(
      `| crawl of ${last.total} ids (${REPLICAS} replicas): time | ${crawlSeconds.toFixed(1)} s (${(last.total / crawlSeconds).toFixed(1)} ids/s; done ${last.done}, failed ${last.failed}) | – |`
    )
    console.log(
      `| crawl: peak RPC queue depth (sampled every second${queueReadFailures > 0 ? `; ${queueReadFailures} reads failed` : ''}) | ${peakQueue} | – |`
    )
    console.log(`| crawl: peak API + coordinator container memory | ${peakApiMb.toFixed(0)} MiB | – |`)
    console.log(`image sizes (MB): ${JSON.stringify(images)}`)
    measured = true
  } finally {
    // A failed run's containers are about to go: say first how each stands and what the API logged.
    if (up && !measured) showProjectContainers()
    if (up) {
      try {
        deck('down', '--volumes')
      } catch (err) {
        console.error(`deck down failed: ${(err as Error).message}`)
      }
    }
    shell.kill('SIGTERM')
  }
}

main().catch((err: unknown) => {
  console.error(`footprint bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
  process.exit(1)
})
