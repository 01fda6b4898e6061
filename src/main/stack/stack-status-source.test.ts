/** The one status everyone reads: the driver's snapshot, stamped with its mode and capabilities, and what it answers. */
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { PanelError } from '../../shared/contract'
import { parseComposeText } from './compose-file'
import type { ComposeProject } from './compose-model'
import type { DockerEngine } from './docker-engine'
import type { EngineStatus, StatusRequest } from './drivers/stack-driver'
import { StackStatusSource } from './stack-status-source'

const FILE = `services:
  scraper: { image: deck/scraper, mem_limit: 1536m, cpus: 0.5 }
  api: { image: deck/api }
`

function source(loadProject: () => ComposeProject): { status: StackStatusSource; requests: StatusRequest[] } {
  const requests: StatusRequest[] = []
  const build = async (request: StatusRequest): Promise<EngineStatus> => {
    requests.push(request)
    const service = (name: string, running: number) => ({
      name,
      image: '',
      desiredReplicas: running,
      runningReplicas: running,
      healthyReplicas: running,
      hasHealthcheck: false,
      state: 'up' as const,
      containers: []
    })
    return {
      project: 'deck',
      composeFile: '/srv/deck/compose.yaml',
      engine: {} as EngineStatus['engine'],
      composeError: request.composeError,
      services: [service('scraper', 3), service('api', 1)],
      orphans: [],
      updatedAt: 'now'
    }
  }
  const status = new StackStatusSource({
    engine: new EventEmitter() as unknown as DockerEngine,
    driver: { mode: 'swarm', capabilities: { rollingUpdate: true }, status: { build } },
    loadProject,
    projectName: 'deck',
    composeFile: '/srv/deck/compose.yaml',
    toPanelError: (err) => ({ kind: 'ComposeFileInvalid', message: (err as Error).message, hint: null }) as PanelError
  })
  return { status, requests }
}

const project = (): ComposeProject =>
  parseComposeText(FILE, { file: '/srv/deck/compose.yaml', project: 'deck', env: {} })

describe('StackStatusSource', () => {
  it("stamps the driver's mode and capabilities, and keeps the snapshot for the running-replica count", async () => {
    const { status } = source(project)
    expect(status.latest).toBeNull()
    expect(status.runningReplicas('scraper')).toBe(0)
    const built = await status.build()
    expect(built.driver).toEqual({ mode: 'swarm', capabilities: { rollingUpdate: true } })
    expect(status.latest).toBe(built)
    expect(status.runningReplicas('scraper')).toBe(3)
    expect(status.runningReplicas('absent')).toBe(0)
  })

  it("reads each service's limits from the file", () => {
    expect(source(project).status.serviceLimits()).toEqual({
      scraper: { memoryBytes: 1536 * 1024 * 1024, cpus: 0.5 },
      api: { memoryBytes: null, cpus: null }
    })
  })

  it('a file that does not load: the status carries its error, and no limits are known', async () => {
    const { status, requests } = source(() => {
      throw new Error('compose.yaml:3:1: bad')
    })
    expect((await status.build()).composeError?.message).toBe('compose.yaml:3:1: bad')
    expect(requests[0]?.project).toBeNull()
    expect(status.serviceLimits()).toEqual({})
  })
})
