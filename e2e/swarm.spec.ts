/**
 * The panel on a single-node swarm (DECK_MODE=swarm) through the web shell: Start stack
 * deploys compose.yaml as swarm services, the scrapers scaled to 3 from the stepper, and the
 * per-node view — replicas per node in the stack table, and each replica's task (node, state,
 * desired state, error). The engine is made a swarm manager for the spec and left as found.
 * UPDATE_DOCS_SCREENSHOTS=1 refreshes docs/swarm-nodes.png (the README's "more than one machine").
 */
import { execFileSync } from 'node:child_process'
import { expect, test } from '@playwright/test'
import { panelServerForSpec } from './support/panel-server'
import { shoot } from './support/screenshots'
import { scaleScrapersFromStepper } from './support/scale-step'

const SERVICES = ['rabbitmq', 'elasticsearch', 'scraper', 'api', 'jobboard']
const STACK_START_MS = 10 * 60_000

const panelServer = panelServerForSpec('the swarm e2e', { swarm: true, upTimeoutMs: STACK_START_MS })

test('a swarm stack from the panel: deployed, 3 scrapers, and which node runs each replica', async ({ page }, info) => {
  test.setTimeout(STACK_START_MS + 5 * 60_000)
  const { url } = panelServer()
  const node = execFileSync('docker', ['info', '--format', '{{.Name}}'], { encoding: 'utf8' }).trim()
  const row = (service: string) => page.getByTestId(`service-${service}`)

  await test.step('Start stack: every service deploys and turns healthy', async () => {
    await page.goto(url)
    await page.getByRole('button', { name: 'Start stack' }).click()
    for (const service of SERVICES) {
      await expect(row(service)).toHaveAttribute('data-state', 'up', { timeout: STACK_START_MS })
    }
  })

  await test.step('scale the scrapers to 3 from the stepper: 3 tasks, each on a node', async () => {
    await scaleScrapersFromStepper(page, 1, 3)
    await expect(page.getByTestId('nodes-scraper')).toHaveText(`${node} ×3`)
    const tasks = page.getByTestId('tasks-scraper')
    await tasks.getByText('Tasks of scraper (3)').click()
    await expect(tasks.getByTestId('swarm-task')).toHaveCount(3)
    await expect(tasks.getByTestId('swarm-task-node')).toHaveText([node, node, node])
    await expect(tasks.getByTestId('swarm-task-state')).toHaveText(['running', 'running', 'running'])
    await shoot(page, info, '01-swarm-nodes', { file: 'swarm-nodes.png', view: 'page' })
  })
})
