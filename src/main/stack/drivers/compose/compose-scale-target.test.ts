import { describe, expect, it } from 'vitest'
import { parseComposeText } from '../../compose-file'
import type { ProjectContainer } from '../../project-containers'
import { composeScaleTarget } from './compose-scale-target'

const FILE = `services:
  scraper: { image: deck/scraper, mem_limit: 1536m }
  named: { image: deck/named, hostname: fixed, cpus: 0.5 }
`

function container(id: string, service: string, number: number, state: string): ProjectContainer {
  return {
    id,
    name: `deck-${service}-${number}`,
    service,
    number,
    configHash: null,
    composeVersion: null,
    imageLabel: null,
    image: `deck/${service}`,
    state,
    health: 'none',
    ports: []
  }
}

describe('composeScaleTarget', () => {
  const calls: string[] = []
  const containers = [
    container('a'.repeat(64), 'scraper', 1, 'running'),
    container('b'.repeat(64), 'scraper', 2, 'exited'),
    container('c'.repeat(64), 'named', 1, 'running')
  ]
  const target = composeScaleTarget({
    runtime: { listContainers: async (_p, service) => containers.filter((c) => c.service === service) },
    orchestrator: {
      scale: async (service, n) => {
        calls.push(`scale ${service} ${n}`)
        return []
      },
      removeReplicas: async (service, ids) => {
        calls.push(`remove ${service} ${ids.join(',')}`)
        return []
      }
    },
    loadProject: () => parseComposeText(FILE, { file: '/srv/deck/compose.yaml', project: 'deck', env: {} }),
    projectName: 'deck',
    report: () => undefined
  })

  it("lists running containers with the hostname their RPC server reports: the short id, or the file's hostname", async () => {
    expect(await target.running('scraper')).toEqual([
      { id: 'a'.repeat(64), name: 'deck-scraper-1', replica: 'a'.repeat(12) }
    ])
    expect((await target.running('named')).map((r) => r.replica)).toEqual(['fixed'])
  })

  it('scales up through scale and down by the chosen ids', async () => {
    await target.scaleUp('scraper', 3)
    await target.stop('scraper', [{ id: 'a'.repeat(64), name: 'deck-scraper-1', replica: 'a'.repeat(12) }])
    expect(calls).toEqual(['scale scraper 3', `remove scraper ${'a'.repeat(64)}`])
  })

  it('reads what one replica may take from the file', () => {
    expect(target.perReplica('scraper')).toEqual({ cpus: null, memoryBytes: 1536 * 1024 * 1024 })
    expect(target.perReplica('named')).toEqual({ cpus: 0.5, memoryBytes: null })
  })
})
