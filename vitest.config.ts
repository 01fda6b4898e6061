import { defineConfig } from 'vitest/config'

// Unit tests sit beside the code (*.test.ts) and touch no service; scripts/ has its own
// (the generated docs' checks).
// Integration tests (test/**/*.test.ts) run against the real RabbitMQ, Elasticsearch,
// Nameko and Docker engine that `.ci/run` / `npm run infra:up` start.
// The fault suite (test/faults/, `npm run test:faults`) is a project of its own, so
// `npm test` does not run it: it brings up a whole stack and breaks it on purpose.
// The Electron 22 smoke test (test/electron22/, `npm run test:electron22`) is one too.
// The swarm's tests (test/swarm/) are a project of their own so that scripts/test.sh can run
// them on an engine of their own (scripts/swarm-engine.sh): an engine has one swarm, and
// leaving it cuts the containers off the bridge networks made meanwhile.
// `npm run test:integration` runs integration, swarm and swarm-pair.
const NOT_INTEGRATION = ['test/faults/**', 'test/electron22/**', 'test/swarm/**']

// Integration files that assert how long something took (an answer within so many ms, a CPU
// share measured against the kernel's): they run one at a time, with no other file of the
// suite beside them, since a neighbour's container starts would eat their margin. Files that
// stop the shared test broker (rabbitmqctl stop_app) run here too: a neighbour would lose it,
// and so do the at-site politeness checks whose margin is the scheduling jitter of this machine.
const TIMED_INTEGRATION_FILES = [
  'test/api/lookup-broker-restart.test.ts',
  'test/crawler/crawl-scale-restart.test.ts',
  'test/crawler/politeness-boards.test.ts',
  'test/fleet/container-stats.test.ts',
  'test/jobboard/hostile-pages.test.ts',
  'test/jobboard/server.test.ts',
  'test/listings/cached-answer.test.ts',
  'test/listings/es-outage.test.ts',
  'test/listings/es-slow.test.ts',
  'test/rpc/broker-restart.test.ts',
  'test/rpc/round-trip.test.ts',
  'test/scraper/hostile-page.test.ts',
  'test/scraper/scrape-listing.test.ts'
]

// Untimed files that mostly wait on the Docker engine and Compose (stacks brought up and down):
// scripts/test.sh runs them in the bare lane once its own tests are done, beside the other
// untimed files, so the integration lane is not the CI run's longest by their five minutes.
const ENGINE_BOUND_FILES = [
  'test/stack/compose.test.ts',
  'test/engine/compose-interop.test.ts',
  'test/engine/stack-lifecycle.test.ts',
  'test/stack/hardening.test.ts'
]

/**
 * Which integration files a run takes, by DECK_INTEGRATION_FILES: unset, all of them one at a
 * time; `timed`, the list above one at a time; `engine`, the engine-bound list one at a time;
 * `untimed`, every other file, two at a time.
 * The untimed ones wait on containers, brokers and Elasticsearch far more than they compute,
 * and each makes its own compose project, queues and indices, so two of them share the
 * machine as two engineers' runs do. scripts/test.sh runs the two groups.
 */
function integrationFiles(group: string | undefined): {
  include: string[]
  exclude: string[]
  fileParallelism: boolean
  maxWorkers?: number
} {
  if (group === 'timed') return { include: TIMED_INTEGRATION_FILES, exclude: [], fileParallelism: false }
  if (group === 'engine') return { include: ENGINE_BOUND_FILES, exclude: [], fileParallelism: false }
  const all = { include: ['test/**/*.test.ts'], exclude: NOT_INTEGRATION }
  if (group === 'untimed')
    return {
      ...all,
      exclude: [...NOT_INTEGRATION, ...TIMED_INTEGRATION_FILES, ...ENGINE_BOUND_FILES],
      fileParallelism: true,
      maxWorkers: 2
    }
  if (group === undefined || group === '') return { ...all, fileParallelism: false }
  throw new Error(`DECK_INTEGRATION_FILES is "${group}": expected timed, engine, untimed, or nothing (every file)`)
}

// The swarm's tests that make engines of their own (dind containers on the host's engine,
// formed into a swarm of two): unlike the rest of test/swarm/ they need the host's engine,
// whose swarm they never touch, so scripts/test.sh runs them outside the swarm engine.
const SWARM_PAIR_FILES = ['test/swarm/two-node-swarm.test.ts']

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          ...integrationFiles(process.env['DECK_INTEGRATION_FILES']),
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000
        }
      },
      {
        test: {
          name: 'swarm',
          include: ['test/swarm/**/*.test.ts'],
          exclude: SWARM_PAIR_FILES,
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false
        }
      },
      {
        test: {
          name: 'swarm-pair',
          include: SWARM_PAIR_FILES,
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000
        }
      },
      {
        // Needs the renderer build (npm run build), so scripts/test.sh runs it after building.
        test: {
          name: 'electron22',
          include: ['test/electron22/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 150_000
        }
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          // Each scenario bounds its own requests; these bound a scenario whole.
          testTimeout: 240_000,
          hookTimeout: 300_000
        }
      }
    ]
  }
})
