import { defineConfig } from 'vitest/config'

// Unit tests sit beside the code (*.test.ts) and touch no service; scripts/ has its own
// (the generated docs' checks).
// Integration tests (test/**/*.test.ts) run against the real RabbitMQ, Elasticsearch,
// Nameko and Docker engine that `.ci/run` / `npm run infra:up` start.
// The fault suite (test/faults/, `npm run test:faults`) is a project of its own, so
// `npm test` does not run it: it brings up a whole stack and breaks it on purpose.
// The Electron 22 smoke test (test/electron22/, `npm run test:electron22`) is one too.
// The swarm's tests (test/swarm/) are a project of their own so that scripts/test.sh can run
// them alone: an engine has one swarm, and leaving it cuts the containers off the bridge
// networks made meanwhile. `npm run test:integration` runs both.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/faults/**', 'test/electron22/**', 'test/swarm/**'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false
        }
      },
      {
        test: {
          name: 'swarm',
          include: ['test/swarm/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false
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
