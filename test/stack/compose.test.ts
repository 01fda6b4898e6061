/**
 * compose.yaml against the real Docker engine with Debian's docker-compose 1.29 and the
 * offline images (`npm run stack:images`): health, a lookup through the api, scale-out,
 * Nameko interop, Elasticsearch persistence, and what `down` leaves behind; the generated
 * credentials (RabbitMQ refuses guest, Elasticsearch refuses anonymous requests, the panel's
 * `config` shows no password). Everything is reached through ports the stack publishes on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { statSync } from 'node:fs'
import { promisify } from 'node:util'
import { connect } from 'amqplib'
import { CREDENTIAL_VARIABLES } from '../../src/shared/stack-credentials'
import { ListingSchema } from '../../src/shared/listing'
import { DEFAULT_SCRAPER_SERVICE } from '../../src/services/env'
import { namekoUnavailableReason, runClusterRpcProxy } from '../support/nameko'
import {
  COMPOSE_FILE,
  CREDENTIALS_FILE,
  ComposeProject,
  REPO_ROOT,
  basicAuth,
  stackUnavailableReason
} from './compose-project'

const execFileAsync = promisify(execFile)
const RPC_QUEUE = `rpc-${DEFAULT_SCRAPER_SERVICE}`
const ALL_SERVICES = { rabbitmq: 1, elasticsearch: 1, scraper: 1, api: 1, jobboard: 1 }
// Elasticsearch's start (keystore, then the node) took up to ~10 min here beside other
// jobs (measured at load average 55); compose.yaml's start_period allows 10.
const ES_START_MS = 900_000

let project: ComposeProject
let activeIds: string[] = []

async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) })
  const text = await response.text()
  try {
    return { status: response.status, body: JSON.parse(text) as unknown }
  } catch {
    throw new Error(`${url} answered ${response.status} with non-JSON: ${text.slice(0, 200)}`)
  }
}

async function lookUp(id: string): Promise<void> {
  const { status, body } = await getJson(`http://127.0.0.1:${project.ports.api}/joblisting/${id}`)
  expect(status, JSON.stringify(body)).toBe(200)
  expect(ListingSchema.parse(body).ID).toBe(id)
}

async function rpcQueueConsumers(): Promise<number> {
  const url = `http://127.0.0.1:${project.ports.rabbitmqManagement}/api/queues/%2F/${RPC_QUEUE}`
  const { status, body } = await getJson(url, { headers: { authorization: project.rabbitmqAuth } })
  if (status !== 200) return -1
  return (body as { consumers: number }).consumers
}

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let value = await probe()
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`)
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    value = await probe()
  }
  return value
}

describe('compose.yaml on the Docker engine (docker-compose 1.29, offline images)', () => {
  beforeAll(async () => {
    const reason = await stackUnavailableReason()
    if (reason !== null) throw new Error(`cannot bring the stack up: ${reason}`)
    project = await ComposeProject.create()
  })

  afterAll(async () => {
    await project?.compose(['down', '-v', '--remove-orphans']).catch((error: unknown) => console.error(error))
  }, 120_000)

  it(
    'is accepted by docker-compose 1.29 and brings every service up healthy, ports on 127.0.0.1 only',
    async () => {
      await project.compose(['up', '-d'], ES_START_MS)
      const containers = await project.waitHealthy(ALL_SERVICES, ES_START_MS)
      // deploy.replicas: 1 and no container_name: Compose numbers the scraper replicas itself.
      expect(containers.filter((c) => c.service === 'scraper').map((c) => c.name)).toEqual([
        `${project.name}_scraper_1`
      ])

      const { stdout } = await execFileAsync('docker', [
        'inspect',
        '-f',
        '{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{.HostIp}} {{end}}{{end}}',
        ...containers.map((c) => c.name)
      ])
      const hostIps = stdout.split(/\s+/).filter((ip) => ip !== '')
      expect(hostIps.length).toBe(5) // api, jobboard, elasticsearch, rabbitmq x2; the scraper publishes none
      expect(new Set(hostIps)).toEqual(new Set(['127.0.0.1']))
    },
    2 * ES_START_MS
  )

  it('runs RabbitMQ with the generated user only: guest is refused on AMQP and the management API; the file is 0600', async () => {
    expect(statSync(CREDENTIALS_FILE).mode & 0o777).toBe(0o600)
    const { credentials } = project
    const { stdout } = await execFileAsync('docker', [
      'inspect',
      '-f',
      '{{json .Config.Env}}',
      `${project.name}_rabbitmq_1`
    ])
    const env = JSON.parse(stdout) as string[]
    expect(env).toContain(`${CREDENTIAL_VARIABLES.rabbitmqUser}=${credentials.rabbitmqUser}`)
    const management = `http://127.0.0.1:${project.ports.rabbitmqManagement}/api/whoami`
    expect((await fetch(management, { headers: { authorization: basicAuth('guest', 'guest') } })).status).toBe(401)
    expect((await getJson(management, { headers: { authorization: project.rabbitmqAuth } })).body).toMatchObject({
      name: credentials.rabbitmqUser
    })
    const users = await getJson(`http://127.0.0.1:${project.ports.rabbitmqManagement}/api/users`, {
      headers: { authorization: project.rabbitmqAuth }
    })
    expect((users.body as { name: string }[]).map((u) => u.name)).toEqual([credentials.rabbitmqUser])
    await expect(connect(`amqp://guest:guest@127.0.0.1:${project.ports.rabbitmq}`)).rejects.toThrow(
      /ACCESS_REFUSED|403/
    )
    await (await connect(project.amqpUri)).close()
  }, 60_000)

  it('runs Elasticsearch with security on: 401 without a login or with a wrong one, 200 as elastic with the generated password', async () => {
    const health = `http://127.0.0.1:${project.ports.elasticsearch}/_cluster/health`
    expect((await fetch(health)).status).toBe(401)
    expect((await fetch(health, { headers: { authorization: basicAuth('elastic', 'changeme') } })).status).toBe(401)
    const ok = await getJson(health, { headers: { authorization: project.elasticAuth } })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ number_of_nodes: 1 })
  }, 60_000)

  it("the panel's `deck config` (the shell the file was made by) names the credentials file and shows no password", async () => {
    const { stdout } = await execFileAsync(
      process.execPath,
      ['--import', 'tsx', 'src/main/cli/deck.ts', 'config', '--json'],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          DECK_COMPOSE_FILE: COMPOSE_FILE,
          DECK_PROJECT: project.name,
          RABBITMQ_PORT: String(project.ports.rabbitmq),
          ELASTICSEARCH_PORT: String(project.ports.elasticsearch)
        },
        timeout: 60_000
      }
    )
    const config = JSON.parse(stdout) as { credentialsFile: string; amqpUri: string; elasticsearchUrl: string }
    expect(config.credentialsFile).toBe(CREDENTIALS_FILE)
    expect(config.amqpUri).toBe(`amqp://${project.credentials.rabbitmqUser}:***@127.0.0.1:${project.ports.rabbitmq}`)
    expect(config.elasticsearchUrl).toBe(`http://elastic:***@127.0.0.1:${project.ports.elasticsearch}`)
    expect(stdout).not.toContain(project.credentials.rabbitmqPassword)
    expect(stdout).not.toContain(project.credentials.elasticPassword)
  }, 90_000)

  it('answers GET /joblisting/<id> through the api for an active listing of the job board', async () => {
    const { status, body } = await getJson(`http://127.0.0.1:${project.ports.jobboard}/jobs.json`)
    expect(status).toBe(200)
    activeIds = (body as { jobs: { id: string; status: string }[] }).jobs
      .filter((j) => j.status === 'active')
      .map((j) => j.id)
    expect(activeIds.length).toBeGreaterThan(10)
    await lookUp(activeIds[0] as string)
  }, 60_000)

  it('scales the scraper to 3: three consumers on its RPC queue, and lookups keep answering', async () => {
    await project.compose(['up', '-d', '--scale', 'scraper=3'])
    await project.waitHealthy({ ...ALL_SERVICES, scraper: 3 })
    expect(await until('3 consumers', rpcQueueConsumers, (n) => n === 3)).toBe(3)
    // Ids not looked up before, so each one is scraped through the RPC queue, not the cache.
    await Promise.all(activeIds.slice(1, 10).map((id) => lookUp(id)))
  }, 300_000)

  it('lets a Python Nameko ClusterRpcProxy on the host call the scraper through the published broker port', async () => {
    const unavailable = namekoUnavailableReason()
    if (unavailable !== null) throw new Error(unavailable)
    const id = activeIds[10] as string
    const result = await runClusterRpcProxy(
      `print(json.dumps(n.${DEFAULT_SCRAPER_SERVICE}.get_job_listing_info(${JSON.stringify(id)})))`,
      {
        amqpUri: project.amqpUri,
        timeoutSeconds: 30
      }
    )
    expect(result.code, result.stderr).toBe(0)
    expect(ListingSchema.parse(JSON.parse(result.stdout)).ID).toBe(id)
  }, 60_000)

  it(
    'keeps Elasticsearch data across a restart and a re-creation of its container (named volume)',
    async () => {
      const es = `http://127.0.0.1:${project.ports.elasticsearch}`
      const doc = `${es}/survive-${project.name}/_doc/1`
      const auth = { authorization: project.elasticAuth }
      const put = await getJson(`${doc}?refresh=true`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ marker: project.name })
      })
      expect(put.status, JSON.stringify(put.body)).toBe(201)

      await project.compose(['restart', 'elasticsearch'], ES_START_MS)
      await project.waitHealthy({ ...ALL_SERVICES, scraper: 3 }, ES_START_MS)
      expect((await getJson(doc, { headers: auth })).body).toMatchObject({
        found: true,
        _source: { marker: project.name }
      })

      // A new container keeps only what is on the volume.
      await project.compose(['up', '-d', '--no-deps', '--force-recreate', 'elasticsearch'], ES_START_MS)
      await project.waitHealthy({ ...ALL_SERVICES, scraper: 3 }, ES_START_MS)
      expect((await getJson(doc, { headers: auth })).body).toMatchObject({
        found: true,
        _source: { marker: project.name }
      })
    },
    4 * ES_START_MS
  )

  it('removes containers and network on down but keeps the named volume unless -v', async () => {
    await project.compose(['down'])
    expect(await project.containers()).toEqual([])
    expect(await project.resourceExists('network', project.networkName)).toBe(false)
    expect(await project.resourceExists('volume', project.volumeName)).toBe(true)

    await project.compose(['down', '-v'])
    expect(await project.resourceExists('volume', project.volumeName)).toBe(false)
  }, 120_000)
})
