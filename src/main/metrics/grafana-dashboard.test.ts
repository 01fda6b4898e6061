import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { fleetMetricsRegistry } from './fleet-metrics'
import type { Coordinator } from '../../services/crawler/coordinator'
import { crawlMetricsRegistry } from '../../services/metrics/crawl-metrics'

it('the Grafana dashboard in docs/ is JSON and queries only metrics the API and the panel export', () => {
  const dashboard = JSON.parse(
    readFileSync(new URL('../../../docs/grafana-dashboard.json', import.meta.url), 'utf8')
  ) as {
    panels: { targets: { expr: string }[] }[]
  }
  // Registering needs only these of the coordinator; nothing is collected here.
  const coordinator = { replyWatchers: [], dispatcher: { published: 0 }, ready: false } as unknown as Coordinator
  const noEvents = { on: () => undefined, off: () => undefined }
  const exported = new Set(
    [crawlMetricsRegistry(coordinator), fleetMetricsRegistry({ broker: noEvents }).registry].flatMap((registry) =>
      registry.getMetricsAsArray().map((metric) => metric.name)
    )
  )
  const queried = dashboard.panels.flatMap((panel) =>
    panel.targets.flatMap((target) => target.expr.match(/scrapedeck_[a-z_]+/g) ?? [])
  )
  expect(queried.length).toBeGreaterThan(10)
  for (const name of queried) expect(exported, name).toContain(name.replace(/_(bucket|sum|count)$/, ''))
})
