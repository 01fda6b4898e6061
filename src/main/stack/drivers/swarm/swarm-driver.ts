/**
 * The swarm driver: the same compose file deployed as a stack on the swarm whose manager the
 * engine is, through the service API. Its replicas are tasks (logs and stats through the task
 * API), it can roll a service to a rebuilt image, and its pre-flight adds the keys swarm
 * treats differently and the ports that would go public.
 */
import type { DriverModule, StackDriver } from '../stack-driver'
import { SwarmEngine } from './swarm-engine'
import { SwarmEngineView } from './swarm-engine-view'
import { SwarmOrchestrator } from './swarm-orchestrator'
import { swarmFindings } from './swarm-preflight'
import { swarmScaleTarget } from './swarm-scale-target'

export const swarmDriver: DriverModule = {
  findings: (settings) => (project, services) => swarmFindings(project, { services, publish: settings.swarmPublish }),
  create({ engine, settings, loadProject, admit }): StackDriver {
    const swarm = new SwarmEngine(engine)
    const orchestrator = new SwarmOrchestrator({
      engine,
      swarm,
      loadProject,
      projectName: settings.project,
      upTimeoutMs: settings.upTimeoutMs,
      admit,
      relayImage: settings.swarmRelayImage,
      registryImage: settings.swarmRegistryImage,
      registry: settings.swarmRegistry,
      publish: settings.swarmPublish
    })
    return {
      mode: 'swarm',
      capabilities: { rollingUpdate: true },
      rollingUpdate: orchestrator,
      engine: new SwarmEngineView(engine, swarm),
      operations: orchestrator,
      status: {
        build: (request) => swarm.buildStatus(request),
        events: () => swarm.events(settings.project),
        // Swarm reports a task's new state a moment after its container's event, with no event of its own.
        settleMs: 500
      },
      // Swarm picks which tasks a scale-down stops; each still stops gracefully.
      scaleTarget: swarmScaleTarget({
        swarm,
        orchestrator,
        loadProject,
        projectName: settings.project,
        report: () => undefined
      })
    }
  }
}
