/**
 * Elasticsearch and RabbitMQ of a bench's own, as containers of the stack's images on the one
 * Docker engine: published on 127.0.0.1 at ports Docker picks, with credentials made up for
 * the run, labelled and removed when the bench ends. A container of its own is what lets a
 * bench read the CPU that service spent (its cgroup, through the engine's stats) apart from
 * everything else on a shared machine.
 */
import { execFile } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { promisify } from 'node:util'
import { processCpuSeconds } from './process-cpu'

const run = promisify(execFile)
const DOCKER_SOCKET = process.env['DOCKER_SOCKET'] ?? '/var/run/docker.sock'
const LABEL = 'scrapedeck.bench=crawl-cost'

export interface BenchContainer {
  name: string
  /** CPU seconds the container has used so far (its cgroup's usage). */
  cpuSeconds(): Promise<number>
  remove(): Promise<void>
}

async function docker(args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024 })
  return stdout.trim()
}

function engineGet<T>(path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: DOCKER_SOCKET, path, method: 'GET' }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 300) reject(new Error(`Docker engine ${path}: ${res.statusCode} ${body}`))
        else resolve(JSON.parse(body) as T)
      })
    })
    req.on('error', reject)
    req.end()
  })
}

async function startContainer(
  role: string,
  image: string,
  containerPort: number,
  args: string[]
): Promise<BenchContainer & { port: number }> {
  const name = `cost-bench-${role}-${randomBytes(3).toString('hex')}`
  await docker(['run', '-d', '--name', name, '--label', LABEL, '-p', `127.0.0.1::${containerPort}`, ...args])
  const published = await docker(['port', name, `${containerPort}/tcp`])
  const port = Number(/:(\d+)\s*$/m.exec(published)?.[1])
  if (!Number.isInteger(port)) throw new Error(`No published port for ${name}: ${published}`)
  return {
    name,
    port,
    async cpuSeconds() {
      const stats = await engineGet<{ cpu_stats: { cpu_usage: { total_usage: number } } }>(
        `/containers/${name}/stats?stream=false&one-shot=true`
      )
      return stats.cpu_stats.cpu_usage.total_usage / 1e9
    },
    async remove() {
      await docker(['rm', '-f', '-v', name]).catch(() => undefined)
    }
  }
}

export interface BenchElasticsearch extends BenchContainer {
  url: string
  /** CPU seconds its JVM has used so far by kind of thread (/proc: the engine runs it on this machine). */
  jvmCpu(): Promise<JvmCpu>
}

export interface JvmCpu {
  /** The JIT's compiler threads (C1, C2). */
  jit: number
  /** The garbage collector's threads. */
  gc: number
  /** Every thread, those included. */
  total: number
}

const JIT_THREAD = /^C[12] CompilerThre/
const GC_THREAD = /^(GC Thread|G1 )/

/** The container's JVM: of its processes (a launcher JVM starts the server's), the one with the most threads. */
async function jvmPid(name: string): Promise<number> {
  const rows = (await docker(['top', name, '-o', 'pid,nlwp'])).split('\n').slice(1)
  const [pid] = rows.map((row) => row.trim().split(/\s+/).map(Number)).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))[0] ?? [
    NaN
  ]
  if (!Number.isInteger(pid)) throw new Error(`No process in ${name}`)
  return pid!
}

function jvmCpuOf(pid: number): JvmCpu {
  const cpu = { jit: 0, gc: 0, total: 0 }
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const seconds = processCpuSeconds(`${pid}/task/${task}`)
    const comm = readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim()
    cpu.total += seconds
    if (JIT_THREAD.test(comm)) cpu.jit += seconds
    else if (GC_THREAD.test(comm)) cpu.gc += seconds
  }
  return cpu
}

/**
 * One node, security off (a loopback port for one run; the stack's image otherwise runs its
 * keystore tool, a JVM start of its own, before the server), heap and memory as compose.yaml
 * (BENCH_ES_JAVA_OPTS replaces its JVM options, to try others).
 */
export async function startBenchElasticsearch(image: string): Promise<BenchElasticsearch> {
  const container = await startContainer('es', image, 9200, [
    '--memory',
    '1g',
    '-e',
    `ES_JAVA_OPTS=${process.env['BENCH_ES_JAVA_OPTS'] ?? '-Xms512m -Xmx512m -XX:TieredStopAtLevel=1'}`,
    '--entrypoint',
    'elasticsearch',
    image,
    '-Expack.security.enabled=false'
  ])
  const url = `http://127.0.0.1:${container.port}`
  let pid: number | null = null
  const jvmCpu = async (): Promise<JvmCpu> => jvmCpuOf((pid ??= await jvmPid(container.name)))
  const deadline = Date.now() + 600_000
  for (;;) {
    try {
      const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=2s`)
      if (res.ok) break
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await container.remove()
      throw new Error(`Elasticsearch (${container.name}) did not become ready in 10 minutes`)
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
  return { ...container, url, jvmCpu }
}

export interface BenchRabbitMq extends BenchContainer {
  amqpUri: string
}

export async function startBenchRabbitMq(image: string): Promise<BenchRabbitMq> {
  const user = 'bench'
  const password = randomBytes(12).toString('hex')
  const container = await startContainer('rabbitmq', image, 5672, [
    '--memory',
    '768m',
    '-e',
    `RABBITMQ_DEFAULT_USER=${user}`,
    '-e',
    `RABBITMQ_DEFAULT_PASS=${password}`,
    '--tmpfs',
    '/tmp',
    image
  ])
  const deadline = Date.now() + 300_000
  for (;;) {
    const logs = await run('docker', ['logs', container.name], { maxBuffer: 16 * 1024 * 1024 })
      .then(({ stdout, stderr }) => stdout + stderr)
      .catch(() => '')
    if (/Server startup complete/.test(logs)) break
    if (Date.now() > deadline) {
      await container.remove()
      throw new Error(`RabbitMQ (${container.name}) did not start in 5 minutes`)
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
  return { ...container, amqpUri: `amqp://${user}:${password}@127.0.0.1:${container.port}` }
}
