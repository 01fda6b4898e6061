/** Status from swarm tasks, and the service spec `docker stack deploy` would write (pure parts). */
import { describe, expect, it } from 'vitest'
import type Docker from 'dockerode'
import { loadOurCompose } from '../../../../../test/support/our-compose'
import { buildSwarmStatus, currentTasks } from './swarm-status'
import type { SwarmTask } from './swarm-services'
import { relayRoutes } from './swarm-relay'
import { STACK_LABEL, overlayNetworkSpec, swarmServiceSpec } from './swarm-spec'

const project = loadOurCompose('st')
const file = project.file
const engine = {
  state: 'connected' as const,
  endpoint: 'unix:///x',
  version: '20.10',
  message: '',
  hint: null,
  since: ''
}

const task = (
  id: string,
  slot: number,
  state: string,
  desired: string,
  created: string,
  extra: Partial<SwarmTask['Status']> = {}
): SwarmTask => ({
  ID: id,
  ServiceID: 'svc-scraper',
  Slot: slot,
  NodeID: 'n1',
  DesiredState: desired,
  CreatedAt: created,
  Status: { State: state, Timestamp: '2026-01-01T00:00:00Z', ...extra }
})

describe('swarm status from tasks', () => {
  it('one replica per slot: the task swarm wants running, its replaced tasks counted as restarts', () => {
    const tasks = [
      task('old', 1, 'failed', 'shutdown', '2026-01-01T00:00:01Z', { Err: 'task: non-zero exit (137)' }),
      task('new', 1, 'starting', 'running', '2026-01-01T00:00:02Z'),
      task('two', 2, 'running', 'running', '2026-01-01T00:00:01Z'),
      task('gone', 3, 'shutdown', 'shutdown', '2026-01-01T00:00:01Z')
    ]
    expect(currentTasks(tasks).map((t) => t.ID)).toEqual(['new', 'two'])
    // Waiting out the restart delay, a replacement is "ready", not yet "running": still the slot's task.
    const waiting = [tasks[0]!, task('next', 1, 'new', 'ready', '2026-01-01T00:00:03Z')]
    expect(currentTasks(waiting).map((t) => [t.ID, t.Status.State])).toEqual([['next', 'new']])
    const service = {
      ID: 'svc-scraper',
      Spec: { Name: 'st_scraper', Mode: { Replicated: { Replicas: 2 } } }
    } as Docker.Service
    const status = buildSwarmStatus({
      engine,
      project,
      projectName: 'st',
      composeFile: file,
      composeError: null,
      services: [service],
      tasks,
      nodes: [{ id: 'n1', hostname: 'manager-1', role: 'manager', state: 'ready' }],
      routes: relayRoutes(project),
      now: Date.parse('2026-01-01T00:01:00Z')
    })
    const scraper = status.services.find((s) => s.name === 'scraper')!
    expect([scraper.desiredReplicas, scraper.runningReplicas, scraper.healthyReplicas, scraper.state]).toEqual([
      2,
      2,
      1,
      'starting'
    ])
    expect(scraper.containers.map((c) => [c.name, c.health, c.restarts, c.task?.node, c.task?.desiredState])).toEqual([
      ['st_scraper.1', 'starting', 1, 'manager-1', 'running'],
      ['st_scraper.2', 'healthy', 0, 'manager-1', 'running']
    ])
    // Not deployed: desired 0, stopped; the relay's loopback port shows on the api's row once it runs.
    expect(status.services.find((s) => s.name === 'api')?.state).toBe('stopped')
  })

  it('writes the labels and names of docker stack deploy, pins the image, keeps loopback ports off swarm', () => {
    const scraper = project.services.get('scraper')!
    const spec = swarmServiceSpec(project, scraper, 'sha256:abc', 3, { public: [] })
    expect(spec.Name).toBe('st_scraper')
    expect(spec.Labels).toEqual({ [STACK_LABEL.namespace]: 'st', [STACK_LABEL.image]: scraper.image })
    const task = spec.TaskTemplate as Docker.ContainerTaskSpec
    expect(task.ContainerSpec?.Image).toBe('sha256:abc')
    expect(task.ContainerSpec?.Labels?.[STACK_LABEL.namespace]).toBe('st')
    expect(task.Networks).toEqual([{ Target: 'st_default', Aliases: ['scraper'] }])
    expect(task.Resources?.Limits).toEqual({ MemoryBytes: 1536 * 1024 * 1024, Pids: 256 })
    expect(task.ContainerSpec?.CapabilityDrop).toEqual(['ALL'])
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 3 } })
    expect(spec.EndpointSpec).toEqual({ Mode: 'dnsrr', Ports: [] })
    expect(overlayNetworkSpec(project, 'default')).toMatchObject({
      Name: 'st_default',
      Driver: 'overlay',
      Attachable: true,
      Labels: { [STACK_LABEL.namespace]: 'st' }
    })
    const rabbit = swarmServiceSpec(project, project.services.get('rabbitmq')!, 'sha256:r', 1, { public: [] })
    expect(
      (rabbit.TaskTemplate as Docker.ContainerTaskSpec).ContainerSpec?.Mounts?.map((m) => [m.Type, m.Source, m.Target])
    ).toEqual([
      ['volume', 'st_rabbitmqdata', '/var/lib/rabbitmq'],
      ['tmpfs', '', '/tmp']
    ])
  })
})
