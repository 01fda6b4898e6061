/**
 * compose.yaml passes the job board's size, speed, sitemap page size and hostile pages through
 * from the environment, with defaults that keep the usual board (read with the panel's own
 * compose loader, as `deck up` reads it).
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadComposeProject } from '../../src/main/stack/compose-file.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

function jobboardEnvironment(env: Record<string, string>): Record<string, string> {
  const project = loadComposeProject({ file: `${ROOT}compose.yaml`, envFiles: [`${ROOT}.env`], env })
  const service = project.services.get('jobboard')
  expect(service).toBeDefined()
  return Object.fromEntries(Object.entries(service!.environment).map(([key, value]) => [key, String(value)]))
}

describe('compose.yaml: the job board settings from the environment', () => {
  it('defaults to the usual board', () => {
    expect(jobboardEnvironment({})).toMatchObject({
      JOBBOARD_COUNT: '300',
      JOBBOARD_LATENCY_MS: '0',
      JOBBOARD_SITEMAP_PAGE_SIZE: '50000',
      JOBBOARD_HOSTILE_COUNT: '0'
    })
  })

  it('passes a big, slow board through', () => {
    expect(
      jobboardEnvironment({
        JOBBOARD_COUNT: '10000',
        JOBBOARD_LATENCY_MS: '200',
        JOBBOARD_SITEMAP_PAGE_SIZE: '2500',
        JOBBOARD_HOSTILE_COUNT: '1',
        JOBBOARD_HOSTILE_NESTING: '5000'
      })
    ).toMatchObject({
      JOBBOARD_COUNT: '10000',
      JOBBOARD_LATENCY_MS: '200',
      JOBBOARD_SITEMAP_PAGE_SIZE: '2500',
      JOBBOARD_HOSTILE_COUNT: '1',
      JOBBOARD_HOSTILE_NESTING: '5000'
    })
  })
})
