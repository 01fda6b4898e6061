/** Turns the metrics history into the columns the queue chart draws, and finds its markers. */
import type { MetricsSample } from '../../../shared/contract'
import type { RestartMark } from '../state/use-panel-state'
import { replicasAfter } from '../../../shared/autoscale'
import type { AutoscaleDecision } from '../../../shared/autoscale'

export interface ChartMarker {
  /** Epoch seconds, the chart's x unit. */
  x: number
  label: string
}

/** x (epoch seconds), ready, unacked, consumers, replicas — uPlot's aligned columns. */
export type QueueChartColumns = [number[], (number | null)[], (number | null)[], (number | null)[], (number | null)[]]

export function queueChartColumns(samples: MetricsSample[], queue: string, replicaService: string): QueueChartColumns {
  const columns: QueueChartColumns = [[], [], [], [], []]
  for (const sample of samples) {
    const q = sample.queues[queue]
    columns[0].push(sample.at / 1000)
    columns[1].push(q?.ready ?? null)
    columns[2].push(q?.unacked ?? null)
    columns[3].push(q?.consumers ?? null)
    columns[4].push(sample.replicas[replicaService] ?? null)
  }
  return columns
}

/** A marker wherever the running replicas of the service changed, and at each restart. */
export function chartMarkers(samples: MetricsSample[], replicaService: string, restarts: RestartMark[]): ChartMarker[] {
  const markers: ChartMarker[] = []
  let previous: number | undefined
  for (const sample of samples) {
    const replicas = sample.replicas[replicaService]
    if (replicas !== undefined && previous !== undefined && replicas !== previous) {
      markers.push({ x: sample.at / 1000, label: `${replicaService} ${previous}→${replicas}` })
    }
    if (replicas !== undefined) previous = replicas
  }
  const first = samples[0]?.at ?? Infinity
  for (const restart of restarts) {
    if (restart.at >= first) markers.push({ x: restart.at / 1000, label: `restart ${restart.service}` })
  }
  return markers.sort((a, b) => a.x - b.x)
}

/** Autoscale decisions where they were taken, with what they did: "autoscale 1→4" (those before the first sample are off the chart). */
export function autoscaleMarkers(decisions: AutoscaleDecision[], samples: MetricsSample[]): ChartMarker[] {
  const first = samples[0]?.at ?? Infinity
  return decisions
    .filter((d) => d.at >= first)
    .map((d) => ({ x: d.at / 1000, label: `autoscale ${d.current}→${replicasAfter(d)}` }))
}
