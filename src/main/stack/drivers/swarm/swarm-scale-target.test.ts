/** The swarm scale target: running tasks as replicas (named by their container's hostname), up and down as a replica count. */
import { describe, expect, it } from 'vitest'
import type Docker from 'dockerode'
import { parseComposeText } from '../../compose-file'
import type { SwarmTask } from './swarm-services'
import { swarmScaleTarget } from './swarm-scale-target'

const FILE = `services:
  scraper: { image: deck/scraper, mem_limit: 1536m }
  named: { image: deck/named, hostname: fixed }
`

const task = (id: string, slot: number, state: string, desired = 'running'): SwarmTask => ({
  ID: id,
  ServiceID: 'svc',
  Slot: slot,
  DesiredState: desired,
  Status: { State: state, ContainerStatus: { ContainerID: `${id}${'0'.repeat(60)}` } }
})

describe('swarmScaleTarget', () => {
  const calls: string[] = []
  const tasks = [
    task('t2', 2, 'running'),
    task('t1', 1, 'running'),
    task('t3', 3, 'running', 'shutdown'),
    task('t4', 4, 'starting')
  ]
  const target = swarmScaleTarget({
    swarm: {
      service: async (_stack, name) => (name === 'missing' ? null : ({ ID: 'svc' } as Docker.Service)),
      tasks: async () => tasks
    },
    orchestrator: {
      scale: async (service, n) => {
        calls.push(`scale ${service} ${n}`)
        return []
      }
    },
    loadProject: () => parseComposeText(FILE, { file: '/srv/deck/compose.yaml', project: 'deck', env: {} }),
    projectName: 'deck',
    report: () => undefined
  })

  it('lists the running tasks by slot, named as their RPC server names itself: the container id short, or the file hostname', async () => {
    expect(await target.running('scraper')).toEqual([
      { id: 't1', name: 'deck_scraper.1', replica: `t1${'0'.repeat(10)}` },
      { id: 't2', name: 'deck_scraper.2', replica: `t2${'0'.repeat(10)}` }
    ])
    expect((await target.running('named')).map((r) => r.replica)).toEqual(['fixed', 'fixed'])
    expect(await target.running('missing')).toEqual([])
  })

  it('scales up to the count, and down by as many tasks as were chosen', async () => {
    await target.scaleUp('scraper', 3)
    await target.stop('scraper', [{ id: 't2', name: 'deck_scraper.2', replica: 't2' }])
    expect(calls).toEqual(['scale scraper 3', 'scale scraper 1'])
    expect(target.perReplica('scraper')).toEqual({ cpus: null, memoryBytes: 1536 * 1024 * 1024 })
  })
})
