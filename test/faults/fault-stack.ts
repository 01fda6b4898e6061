/**
 * The real stack the fault suite hits: compose.yaml through docker-compose on the offline
 * images, as its own project on loopback ports (FAULTS_PORT_BASE picks five in a row, else
 * free ones), with two scraper replicas, a few hostile listings on the board and a little
 * board latency so requests are in flight when a part is killed. Also: a lookup as an Answer,
 * and a watch over the project's containers that tells a crash from a stop the suite asked for.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { ComposeProject } from '../stack/compose-project'
import type { StackPorts } from '../stack/compose-project'
import type { Answer } from './fault-tally'

const run = promisify(execFile)

export const FAULT_STACK_SERVICES = { rabbitmq: 1, elasticsearch: 1, scraper: 2, api: 1, jobboard: 1 } as const
export const HOSTILE_LISTINGS = 4

function portsFromBase(): StackPorts | undefined {
  const raw = process.env['FAULTS_PORT_BASE']
  if (raw === undefined || raw === '') return undefined
  const base = Number(raw)
  if (!Number.isInteger(base) || base < 1024 || base > 65530)
    throw new Error(`FAULTS_PORT_BASE must be a port number, got "${raw}"`)
  return { api: base, jobboard: base + 1, rabbitmq: base + 2, rabbitmqManagement: base + 3, elasticsearch: base + 4 }
}

export interface ContainerFacts {
  id: string
  name: string
  service: string
  status: string
  startedAt: string
  oomKilled: boolean
  exitCode: number
  networks: number
}

export class FaultStack {
  /** The x-scrapedeck-cache header of each id's last 200, to say why a listing went unstored. */
  private readonly cacheStates = new Map<string, string>()

  private constructor(readonly project: ComposeProject) {}

  static async up(): Promise<FaultStack> {
    const project = await ComposeProject.create({
      prefix: 'sdfaults',
      ports: portsFromBase(),
      env: { JOBBOARD_HOSTILE_COUNT: String(HOSTILE_LISTINGS), JOBBOARD_LATENCY_MS: '20-80', JOBBOARD_COUNT: '1000' }
    })
    const stack = new FaultStack(project)
    const swarm = await run('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}']).then(
      (r) => r.stdout.trim(),
      () => 'unknown'
    )
    // A bridge network made while the engine is in a swarm loses its containers when the swarm is left.
    if (swarm !== 'inactive')
      console.warn(
        `fault stack: the Docker engine's swarm is ${swarm}; if it leaves the swarm during the suite, the stack's containers lose their network`
      )
    try {
      // Generous: on a loaded machine Elasticsearch (which the api waits for) takes minutes to start.
      await project.compose(['up', '-d', '--scale', `scraper=${FAULT_STACK_SERVICES.scraper}`], 480_000)
      await project.waitHealthy(FAULT_STACK_SERVICES, 300_000, { tolerateUnhealthy: true })
    } catch (err) {
      await stack.down()
      throw err
    }
    return stack
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.project.ports.api}`
  }

  get boardUrl(): string {
    return `http://127.0.0.1:${this.project.ports.jobboard}`
  }

  get elasticsearchUrl(): string {
    return `http://127.0.0.1:${this.project.ports.elasticsearch}`
  }

  async down(): Promise<void> {
    await this.project.compose(['down', '-v', '--remove-orphans', '-t', '5']).catch((err: unknown) => {
      console.error(`fault stack ${this.project.name} did not go down cleanly: ${(err as Error).message}`)
    })
  }

  async containers(): Promise<ContainerFacts[]> {
    const { stdout } = await run('docker', [
      'ps',
      '-a',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${this.project.name}`
    ])
    const ids = stdout.split('\n').filter(Boolean)
    if (ids.length === 0) return []
    const format =
      '{{.Id}}|{{.Name}}|{{index .Config.Labels "com.docker.compose.service"}}|{{.State.Status}}|{{.State.StartedAt}}|{{.State.OOMKilled}}|{{.State.ExitCode}}|{{len .NetworkSettings.Networks}}'
    const inspected = await run('docker', ['inspect', '-f', format, ...ids])
    return inspected.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [
          id = '',
          name = '',
          service = '',
          status = '',
          startedAt = '',
          oom = '',
          exitCode = '0',
          networks = '0'
        ] = line.split('|')
        return {
          id,
          name: name.replace(/^\//, ''),
          service,
          status,
          startedAt,
          oomKilled: oom === 'true',
          exitCode: Number(exitCode),
          networks: Number(networks)
        }
      })
  }

  async container(service: keyof typeof FAULT_STACK_SERVICES, index = 0): Promise<ContainerFacts> {
    const found = (await this.containers())
      .filter((c) => c.service === service)
      .sort((a, b) => a.name.localeCompare(b.name))[index]
    if (found === undefined) throw new Error(`no ${service} container #${index + 1} in ${this.project.name}`)
    return found
  }

  async docker(args: string[], timeoutMs = 120_000): Promise<void> {
    await run('docker', args, { timeout: timeoutMs })
  }

  /**
   * Containers that died or restarted since `before` without the suite asking: `asked` holds
   * the names of the containers a scenario stopped, killed or restarted on purpose.
   */
  async crashesSince(before: readonly ContainerFacts[], asked: ReadonlySet<string> = new Set()): Promise<string[]> {
    const now = await this.containers()
    const out: string[] = []
    for (const was of before) {
      if (asked.has(was.name)) continue
      const is = now.find((c) => c.id === was.id)
      if (is === undefined) out.push(`${was.name} is gone`)
      else if (is.status !== 'running')
        out.push(`${is.name} is ${is.status} (exit ${is.exitCode}${is.oomKilled ? ', OOM-killed' : ''})`)
      else if (is.startedAt !== was.startedAt) out.push(`${is.name} restarted by itself`)
      // Seen when something else on a shared engine ran `docker swarm leave` while this stack ran.
      else if (is.networks === 0 && was.networks > 0)
        out.push(`${is.name} lost its network (did the engine leave a swarm?)`)
    }
    return out
  }

  /** GET /joblisting/:path as an Answer: 200 with the listing's id, or the error kind it named. */
  async lookup(path: string, expectId?: string): Promise<Answer> {
    const res = await fetch(`${this.apiUrl}/joblisting/${path}`)
    if (res.status === 200 && expectId !== undefined)
      this.cacheStates.set(expectId, res.headers.get('x-scrapedeck-cache') ?? 'none')
    return apiAnswer(res, expectId)
  }

  /** The ids among `ids` that the stack's Elasticsearch holds a listing for. */
  async storedIds(ids: readonly string[]): Promise<Set<string>> {
    // As the `elastic` user: the stack's Elasticsearch runs with security on (401 otherwise).
    const authorization = this.project.elasticAuth
    await fetch(`${this.elasticsearchUrl}/_refresh`, { method: 'POST', headers: { authorization } })
    const stored = new Set<string>()
    for (let i = 0; i < ids.length; i += 500) {
      const body = { ids: ids.slice(i, i + 500) }
      const res = await fetch(`${this.elasticsearchUrl}/joblistings/_mget?_source=false`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify(body)
      })
      if (!res.ok) throw new Error(`Elasticsearch _mget answered ${res.status}: ${await res.text()}`)
      for (const doc of ((await res.json()) as { docs: { _id: string; found: boolean }[] }).docs)
        if (doc.found) stored.add(doc._id)
    }
    return stored
  }

  /**
   * How many of `answered` (ids the API answered 200) Elasticsearch still lacks once the API's
   * pending writes are flushed (waiting at most `withinMs`), and which: for ScenarioTally.lose.
   */
  async unstored(answered: readonly string[], withinMs = 20_000): Promise<[number, string]> {
    const deadline = Date.now() + withinMs
    let missing = [...answered]
    let lastError: string | null = null
    for (;;) {
      // Elasticsearch may still be coming back; a refusal that lasts shows in the message below.
      const found = await this.storedIds(missing).catch((err: unknown) => {
        lastError = (err as Error).message
        return new Set<string>()
      })
      missing = missing.filter((id) => !found.has(id))
      if (missing.length === 0 || Date.now() > deadline) break
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    const pending = await this.health().then(
      (h) => h.elasticsearch.pendingWrites,
      () => '?'
    )
    const states = missing.slice(0, 5).map((id) => `${id} (cache: ${this.cacheStates.get(id) ?? '?'})`)
    return [
      missing.length,
      `answered 200 but not in Elasticsearch after ${withinMs / 1000} s (${pending} writes still pending${lastError === null ? '' : `; last check: ${lastError}`}): ${states.join(', ')}`
    ]
  }

  async health(): Promise<{ status: string; elasticsearch: { available: boolean; pendingWrites: number } }> {
    return (await (await fetch(`${this.apiUrl}/health`)).json()) as {
      status: string
      elasticsearch: { available: boolean; pendingWrites: number }
    }
  }
}

/** An API response as an Answer. */
export async function apiAnswer(res: Response, expectId?: string): Promise<Answer> {
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { ok: false, kind: null, detail: `${res.status} with a body that is not JSON: ${text.slice(0, 120)}` }
  }
  if (res.status === 200) {
    const id = (body as { ID?: unknown }).ID
    if (expectId !== undefined && id !== expectId)
      return { ok: false, kind: null, detail: `200 with listing ${String(id)}, not ${expectId}` }
    return { ok: true }
  }
  const error = (body as { error?: { kind?: unknown; message?: unknown } }).error
  const kind = typeof error?.kind === 'string' ? error.kind : null
  return { ok: false, kind, detail: `${res.status} ${kind ?? ''}: ${String(error?.message ?? text.slice(0, 120))}` }
}
