/**
 * The compose driver: containers on one engine, made and named as Docker Compose would, so
 * `docker compose ps` and the panel see one stack. DockerEngine is its container runtime
 * and its engine view; a rolling update is not its (up recreates containers instead).
 */
import type { DriverModule, StackDriver } from '../stack-driver'
import { ComposeOrchestrator } from './compose-orchestrator'
import { composeScaleTarget } from './compose-scale-target'

export const composeDriver: DriverModule = {
  create({ engine, settings, loadProject, admit }): StackDriver {
    const orchestrator = new ComposeOrchestrator({
      runtime: engine,
      loadProject,
      projectName: settings.project,
      upTimeoutMs: settings.upTimeoutMs,
      admit
    })
    return {
      mode: 'compose',
      capabilities: { rollingUpdate: false },
      rollingUpdate: null,
      engine,
      operations: orchestrator,
      status: {
        build: (request) =>
          engine.buildStatus({
            ...request,
            desiredReplicas: (spec, existing) => orchestrator.desiredReplicas(spec, existing)
          })
      },
      // Scale-down stops the replicas the autoscaler chose (the idle ones).
      scaleTarget: composeScaleTarget({
        runtime: engine,
        orchestrator,
        loadProject,
        projectName: settings.project,
        report: () => undefined
      })
    }
  }
}
