import { defineConfig } from 'vitest/config'

// Unit tests sit beside the code (*.test.ts) and touch no service.
// Integration tests (test/**/*.test.ts) run against the real RabbitMQ, Elasticsearch,
// Nameko and Docker engine that `.ci/run` / `npm run infra:up` start.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false
        }
      }
    ]
  }
})
